CREATE EXTENSION postgis

CREATE TABLE t (id serial PRIMARY KEY, g geometry(Point,4326) NOT NULL, label text, area geometry(Polygon,4326))

CREATE INDEX t_g_idx ON t USING gist (g)
