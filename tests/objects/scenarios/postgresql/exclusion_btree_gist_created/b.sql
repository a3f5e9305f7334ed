CREATE EXTENSION btree_gist

CREATE TABLE u (id int PRIMARY KEY)

CREATE TABLE b (id int PRIMARY KEY, room int, during tstzrange, CONSTRAINT ex_room EXCLUDE USING gist (room WITH =, during WITH &&))
