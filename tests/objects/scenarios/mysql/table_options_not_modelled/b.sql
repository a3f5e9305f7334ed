-- declared table options (CREATE_OPTIONS) are listed as unmanaged, not modelled
CREATE TABLE t (id integer PRIMARY KEY, x integer, y integer) ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8 STATS_PERSISTENT=1
