CREATE TABLE m (id int NOT NULL, kind text NOT NULL, at int NOT NULL) PARTITION BY LIST (kind)
