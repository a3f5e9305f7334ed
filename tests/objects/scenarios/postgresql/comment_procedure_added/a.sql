CREATE TABLE t (id serial PRIMARY KEY, n int)

CREATE PROCEDURE reset_n(x integer) LANGUAGE sql AS $$ UPDATE t SET n = x $$
