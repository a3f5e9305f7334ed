CREATE EXTENSION citext

CREATE TABLE t (id serial PRIMARY KEY, name citext)

COMMENT ON EXTENSION citext IS 'names compare without case'
