CREATE SCHEMA other

CREATE DOMAIN other.label AS text CHECK (VALUE <> '')

CREATE TYPE other.pair AS (l other.label, n integer)
