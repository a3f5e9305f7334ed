CREATE EXTENSION IF NOT EXISTS citext

CREATE TABLE t (id int PRIMARY KEY, v citext, n bigint NOT NULL DEFAULT 0, extra text)
