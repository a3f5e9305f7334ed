-- covers: intarray/create

CREATE TABLE keep (id int PRIMARY KEY)
