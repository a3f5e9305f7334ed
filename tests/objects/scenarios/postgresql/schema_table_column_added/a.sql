CREATE SCHEMA other

CREATE TABLE other.k (id serial PRIMARY KEY)
