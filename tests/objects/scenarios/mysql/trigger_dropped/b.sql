CREATE TABLE t (id int PRIMARY KEY AUTO_INCREMENT, name varchar(20) NOT NULL, n int, note text)
