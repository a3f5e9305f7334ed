CREATE TABLE t (id int PRIMARY KEY, v tsvector, n bigint NOT NULL DEFAULT 0, extra text)
