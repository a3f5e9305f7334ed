CREATE TABLE g (id int PRIMARY KEY, name text)
