CREATE TYPE mood AS ENUM ('ok', 'bad', 'meh')

CREATE TABLE t (id serial PRIMARY KEY, m mood)

COMMENT ON TYPE mood IS 'kept'
