CREATE DOMAIN code AS varchar(20)

CREATE TABLE t (id int PRIMARY KEY, c code)
