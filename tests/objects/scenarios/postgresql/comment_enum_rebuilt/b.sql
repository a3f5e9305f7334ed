CREATE TYPE mood AS ENUM ('bad', 'ok')

CREATE TABLE t (id serial PRIMARY KEY, m mood)

COMMENT ON TYPE mood IS 'kept'
