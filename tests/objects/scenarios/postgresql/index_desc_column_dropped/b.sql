CREATE TABLE u (id serial PRIMARY KEY, email varchar(100) NOT NULL, seen timestamptz, n int)
