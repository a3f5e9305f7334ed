CREATE TABLE t (id serial PRIMARY KEY)

CREATE TABLE u (id serial PRIMARY KEY, t_id integer REFERENCES t (id))

CREATE VIEW v AS SELECT u.id, t.id AS t FROM u JOIN t ON t.id = u.t_id
