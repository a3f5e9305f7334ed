CREATE EXTENSION postgis

CREATE TABLE t (id serial PRIMARY KEY, g geometry(Point,4326), z geometry(POINTZ, 3857), w geography(LineString), anything geometry, ga geometry(Point,4326)[])
