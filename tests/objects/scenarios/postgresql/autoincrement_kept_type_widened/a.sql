-- covers: autoincrement/table

CREATE TABLE t (id serial PRIMARY KEY, name text)

INSERT INTO t (name) VALUES ('a')
