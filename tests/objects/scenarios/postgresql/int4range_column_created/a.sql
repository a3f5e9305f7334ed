-- covers: int4range/create

CREATE TABLE keep (id int PRIMARY KEY)
