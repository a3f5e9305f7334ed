CREATE TABLE b (id int PRIMARY KEY, room int, during tstzrange, CONSTRAINT ex_b EXCLUDE USING gist (during WITH &&) WHERE (room > 0))
