CREATE SCHEMA other

CREATE TYPE other.mood AS ENUM ('ok', 'bad')

CREATE TABLE t (id serial PRIMARY KEY, m other.mood)
