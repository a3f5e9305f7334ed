CREATE TABLE b (id int PRIMARY KEY, room int, during tstzrange, note text, CONSTRAINT ex_b EXCLUDE USING gist (during WITH &&))
