-- covers: postgis/create, extension/create

CREATE TABLE t (id serial PRIMARY KEY)
