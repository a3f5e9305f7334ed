CREATE EXTENSION btree_gist

CREATE TABLE b (id int PRIMARY KEY, room bigint, during tstzrange, CONSTRAINT ex_room EXCLUDE USING gist (room WITH =, during WITH &&))
