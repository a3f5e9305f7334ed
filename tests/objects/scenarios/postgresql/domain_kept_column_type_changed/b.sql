CREATE DOMAIN posint AS integer CHECK (VALUE > 0)

CREATE TABLE t (id serial PRIMARY KEY, n posint NOT NULL DEFAULT 1, label text)

INSERT INTO t (n, label) VALUES (1, 'a')
