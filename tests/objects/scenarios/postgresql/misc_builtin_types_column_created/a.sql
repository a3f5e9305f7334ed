-- covers: types/create

CREATE TABLE keep (id int PRIMARY KEY)
