CREATE TYPE mood AS ENUM ('ok', 'bad')

CREATE TABLE t (id serial PRIMARY KEY, m mood)

COMMENT ON TYPE mood IS 'How one feels'
