CREATE TABLE t (id int PRIMARY KEY, v text[], n bigint NOT NULL DEFAULT 0, extra text)
