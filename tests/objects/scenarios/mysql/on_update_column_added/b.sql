-- the common updated_at: a default and ON UPDATE (on_update:), added to a table with rows
CREATE TABLE t (id integer PRIMARY KEY, x integer,
  updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)

INSERT INTO t (id, x) VALUES (1, 2)
