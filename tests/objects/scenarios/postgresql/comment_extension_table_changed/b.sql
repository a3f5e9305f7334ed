CREATE EXTENSION citext

CREATE TABLE t (id serial PRIMARY KEY, name citext, other citext)

COMMENT ON EXTENSION citext IS 'names compare without case'
