-- covers: zero/create

CREATE TABLE y (id int PRIMARY KEY)
