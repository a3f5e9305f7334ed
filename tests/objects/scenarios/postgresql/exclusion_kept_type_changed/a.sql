CREATE EXTENSION btree_gist

CREATE TABLE b (id int PRIMARY KEY, room int, during tstzrange, CONSTRAINT ex_room EXCLUDE USING gist (room WITH =, during WITH &&))

INSERT INTO b VALUES (1, 1, '[2020-01-01, 2020-01-02)')
