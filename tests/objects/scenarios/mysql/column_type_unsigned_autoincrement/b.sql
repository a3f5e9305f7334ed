CREATE TABLE u (id integer PRIMARY KEY)

-- the common MariaDB key: an unsigned AUTO_INCREMENT, and a foreign key to it of the same type
CREATE TABLE p (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(10))

CREATE TABLE c (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, p_id int unsigned NOT NULL, CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id))

INSERT INTO p (name) VALUES ('x')
