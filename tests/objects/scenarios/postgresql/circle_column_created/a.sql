-- covers: circle/create

CREATE TABLE keep (id int PRIMARY KEY)
