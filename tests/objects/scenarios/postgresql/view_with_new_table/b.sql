CREATE TABLE t (id serial PRIMARY KEY)

CREATE TABLE u (id serial PRIMARY KEY, t_id integer NOT NULL REFERENCES t (id), note text)

CREATE VIEW v AS SELECT t.id, count(u.id) AS n FROM t LEFT JOIN u ON u.t_id = t.id GROUP BY t.id
