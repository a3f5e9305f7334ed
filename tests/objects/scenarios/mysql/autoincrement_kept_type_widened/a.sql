-- covers: autoincrement/table

CREATE TABLE t (id int AUTO_INCREMENT PRIMARY KEY, name varchar(20))

INSERT INTO t (name) VALUES ('a'), ('b')
