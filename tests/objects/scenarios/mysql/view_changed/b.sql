CREATE TABLE t (id int PRIMARY KEY AUTO_INCREMENT, name varchar(20) NOT NULL)

CREATE VIEW v AS SELECT id, upper(name) AS name FROM t
