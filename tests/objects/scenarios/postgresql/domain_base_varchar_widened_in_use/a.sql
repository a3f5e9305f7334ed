-- covers: domain/change of a varchar base under a column

CREATE DOMAIN code AS varchar(10)

CREATE TABLE t (id int PRIMARY KEY, c code)
