CREATE TABLE t (id int PRIMARY KEY AUTO_INCREMENT, name varchar(20) NOT NULL)

CREATE VIEW `Odd ``v``` AS SELECT id, name FROM t WHERE name LIKE '%:x' OR name = 'it''s'
