CREATE TABLE t (id int PRIMARY KEY, name varchar(20), slug varchar(20))
