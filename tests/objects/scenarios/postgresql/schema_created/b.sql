CREATE TABLE t (id serial PRIMARY KEY)

CREATE SCHEMA other

COMMENT ON SCHEMA other IS 'reports'

CREATE TYPE other.mood AS ENUM ('ok', 'bad')

CREATE TABLE other.k (id serial PRIMARY KEY, m other.mood NOT NULL, t_id int REFERENCES t (id))
