CREATE EXTENSION postgis

CREATE DOMAIN place AS geometry(Point,4326) NOT NULL

CREATE TABLE t (id serial PRIMARY KEY, p place, ps place[])
