-- covers: postgis/drop

CREATE EXTENSION postgis

CREATE TABLE t (id serial PRIMARY KEY, g geometry(Point,4326), ga geography(Point,4326)[])
