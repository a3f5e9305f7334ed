CREATE TABLE base (id int NOT NULL, name text)

CREATE TABLE child (id int NOT NULL, name text, extra int, more text)
