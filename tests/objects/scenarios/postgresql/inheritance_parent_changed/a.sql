CREATE TABLE base (id int NOT NULL, name text)

CREATE TABLE other (id int NOT NULL, name text)

CREATE TABLE child (extra int) INHERITS (base)

INSERT INTO child VALUES (1, 'a', 2)
