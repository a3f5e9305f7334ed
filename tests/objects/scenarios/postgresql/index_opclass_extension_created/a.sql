CREATE TABLE u (id serial PRIMARY KEY, name text)
