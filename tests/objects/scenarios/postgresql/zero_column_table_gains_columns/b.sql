CREATE TABLE z (id int PRIMARY KEY, note text)
