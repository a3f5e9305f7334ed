CREATE TABLE t (id int PRIMARY KEY AUTO_INCREMENT, name varchar(20) NOT NULL, note text)

CREATE VIEW v AS SELECT id, name, note FROM t
