CREATE TABLE u (id int PRIMARY KEY)

CREATE TABLE b (id int PRIMARY KEY, room int, during tstzrange, CONSTRAINT ex_b EXCLUDE USING gist (during WITH &&))
