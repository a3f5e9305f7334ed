CREATE TABLE t (id int PRIMARY KEY)

CREATE TABLE items (id int PRIMARY KEY, code text)

CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS $$ SELECT 'c' || count(*) FROM items $$

ALTER TABLE items ALTER COLUMN code SET DEFAULT next_code()
