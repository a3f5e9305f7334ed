CREATE DOMAIN posint AS integer CHECK (VALUE > 0)

CREATE TABLE t (id int PRIMARY KEY, v posint, n bigint NOT NULL DEFAULT 0, extra text)
