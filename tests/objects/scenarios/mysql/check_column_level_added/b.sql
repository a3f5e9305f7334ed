CREATE TABLE d (id int PRIMARY KEY, n int CHECK (n BETWEEN 1 AND 9), j json)
