CREATE TYPE mood AS ENUM ('ok', 'sad', 'happy')

CREATE TABLE t (id serial PRIMARY KEY, m mood NOT NULL)

CREATE VIEW v AS SELECT id FROM t WHERE m = 'happy'
