-- covers: schema/table, domain/table

CREATE SCHEMA other

CREATE DOMAIN other.label AS text CHECK (VALUE <> '')

CREATE TABLE t (id int PRIMARY KEY)
