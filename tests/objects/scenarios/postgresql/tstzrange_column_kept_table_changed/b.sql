CREATE TABLE t (id int PRIMARY KEY, v tstzrange, n bigint NOT NULL DEFAULT 0, extra text)
