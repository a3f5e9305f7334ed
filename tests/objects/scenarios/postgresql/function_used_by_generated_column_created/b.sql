CREATE FUNCTION norm(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$

CREATE TABLE g (id int PRIMARY KEY, name text, code text GENERATED ALWAYS AS (norm(name)) STORED)

CREATE TABLE h (id int PRIMARY KEY, name text, code text GENERATED ALWAYS AS (norm(name)) STORED)
