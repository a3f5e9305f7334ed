CREATE TABLE base (id int NOT NULL, name text)

ALTER TABLE base ADD CONSTRAINT ck_base_name CHECK (name <> '')

CREATE TABLE child (extra int, CONSTRAINT ck_child_extra CHECK (extra > 0)) INHERITS (base)

CREATE INDEX ix_child_extra ON child (extra)
