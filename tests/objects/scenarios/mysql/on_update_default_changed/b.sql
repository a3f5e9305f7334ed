-- the default beside ON UPDATE goes (and comes back on the downgrade); ON UPDATE stays
-- (a quoted DATETIME default is left out: it reads back with microseconds)
CREATE TABLE t (id integer PRIMARY KEY, at datetime NULL ON UPDATE CURRENT_TIMESTAMP)

INSERT INTO t (id) VALUES (1)
