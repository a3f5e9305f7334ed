CREATE TABLE t (id integer PRIMARY KEY, at datetime(3), tm time(2), ts timestamp(4) NULL)

INSERT INTO t (id, at) VALUES (1, '2024-01-31 13:45:10.123')
