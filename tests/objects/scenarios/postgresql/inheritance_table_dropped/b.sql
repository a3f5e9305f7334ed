CREATE TABLE base (id int NOT NULL, name text)

ALTER TABLE base ADD CONSTRAINT ck_base_name CHECK (name <> '')
