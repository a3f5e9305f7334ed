-- covers: bit/create

CREATE TABLE keep (id int PRIMARY KEY)
