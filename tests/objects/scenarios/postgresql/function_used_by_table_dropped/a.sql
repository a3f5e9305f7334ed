CREATE TABLE t (id int PRIMARY KEY)

CREATE FUNCTION norm(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$

CREATE TABLE p (id int PRIMARY KEY, name text CONSTRAINT ck_p_name CHECK (name = norm(name)))

CREATE INDEX p_norm ON p (norm(name))

CREATE SCHEMA app

CREATE FUNCTION app.gen_code() RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$

CREATE TABLE q (id int PRIMARY KEY, code text DEFAULT app.gen_code())
