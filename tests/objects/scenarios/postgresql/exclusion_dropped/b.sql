CREATE TABLE b (id int PRIMARY KEY, room int, during tstzrange)
