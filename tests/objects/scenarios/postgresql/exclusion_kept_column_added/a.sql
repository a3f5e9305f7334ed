CREATE TABLE b (id int PRIMARY KEY, room int, during tstzrange, CONSTRAINT ex_b EXCLUDE USING gist (during WITH &&))

INSERT INTO b VALUES (1, 1, '[2020-01-01, 2020-01-02)')
