CREATE TABLE t (id integer PRIMARY KEY, at datetime(3), n int unsigned NOT NULL DEFAULT 7, c char(4))
