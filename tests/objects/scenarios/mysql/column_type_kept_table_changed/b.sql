-- the table changes around them; the columns keep their types exactly
CREATE TABLE t (id integer PRIMARY KEY, at datetime(3), n int unsigned NOT NULL DEFAULT 7, c char(4), added varchar(10), KEY ix_at (at))
