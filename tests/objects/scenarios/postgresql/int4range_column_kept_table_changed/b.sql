CREATE TABLE t (id int PRIMARY KEY, v int4range, n bigint NOT NULL DEFAULT 0, extra text)
