CREATE TABLE t (id int PRIMARY KEY, v circle, n bigint NOT NULL DEFAULT 0, extra text)
