-- covers: inheritance/drop, inheritance/table

CREATE TABLE base (id int NOT NULL, name text)

CREATE TABLE child (extra int) INHERITS (base)
