CREATE TABLE t (id bigint AUTO_INCREMENT PRIMARY KEY, name varchar(40), extra int)

INSERT INTO t (name) VALUES ('a'), ('b')
