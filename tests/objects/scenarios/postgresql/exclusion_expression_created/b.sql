CREATE TABLE u (id int PRIMARY KEY)

CREATE TABLE s (id int PRIMARY KEY, lo int, hi int, CONSTRAINT ex_s EXCLUDE USING gist (int4range(lo, hi) WITH &&))
