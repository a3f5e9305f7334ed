CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)

CREATE VIEW "Odd ""v""" AS SELECT id, name FROM t WHERE name LIKE '%:x' OR name = 'it''s'
