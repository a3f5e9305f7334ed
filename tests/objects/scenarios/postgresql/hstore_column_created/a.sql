-- covers: hstore/create

CREATE EXTENSION IF NOT EXISTS hstore

CREATE TABLE keep (id int PRIMARY KEY)
