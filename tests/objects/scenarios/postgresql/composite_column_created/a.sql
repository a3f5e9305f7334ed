-- covers: composite/create

CREATE TYPE pair AS (x integer, y text)

CREATE TABLE keep (id int PRIMARY KEY)
