-- covers: postgis/create, domain/create, extension/create

CREATE TABLE t (id serial PRIMARY KEY)
