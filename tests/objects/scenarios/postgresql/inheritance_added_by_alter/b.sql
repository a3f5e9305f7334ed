CREATE TABLE base (id int NOT NULL, name text)

ALTER TABLE base ADD CONSTRAINT ck_base_name CHECK (name <> '')

CREATE TABLE child (id int NOT NULL, name text, extra int)

ALTER TABLE child ADD CONSTRAINT ck_base_name CHECK (name <> '')

ALTER TABLE child INHERIT base

INSERT INTO child VALUES (1, 'a', 2)
