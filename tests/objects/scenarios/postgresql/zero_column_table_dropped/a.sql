-- covers: zero/drop

CREATE TABLE y (id int PRIMARY KEY)

CREATE TABLE z ()
