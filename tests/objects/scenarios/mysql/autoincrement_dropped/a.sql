CREATE TABLE t (id int PRIMARY KEY AUTO_INCREMENT, name text)

INSERT INTO t (name) VALUES ('a'), ('b')
