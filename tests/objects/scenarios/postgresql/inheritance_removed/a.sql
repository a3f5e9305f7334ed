-- covers: inheritance/drop

CREATE TABLE base (id int NOT NULL, name text)

ALTER TABLE base ADD CONSTRAINT ck_base_name CHECK (name <> '')

CREATE TABLE child (extra int) INHERITS (base)

INSERT INTO child VALUES (1, 'a', 2)
