-- covers: autoincrement/change

CREATE TABLE t (id int AUTO_INCREMENT PRIMARY KEY, code int NOT NULL, UNIQUE KEY uq_code (code))
