CREATE SCHEMA other

CREATE DOMAIN other.label AS text CHECK (VALUE <> '')

CREATE TABLE t (id int PRIMARY KEY, l other.label)

CREATE TABLE other.u (id int PRIMARY KEY, l other.label)
