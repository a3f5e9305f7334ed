-- covers: domain/table

CREATE DOMAIN posint AS integer CHECK (VALUE > 0)

CREATE TABLE t (id serial PRIMARY KEY, n posint, label varchar(10))

INSERT INTO t (n, label) VALUES (1, 'a')
