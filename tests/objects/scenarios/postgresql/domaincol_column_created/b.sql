CREATE DOMAIN posint AS integer CHECK (VALUE > 0)

CREATE TABLE keep (id int PRIMARY KEY)

CREATE TABLE t (id int PRIMARY KEY, v posint NOT NULL, w posint)
