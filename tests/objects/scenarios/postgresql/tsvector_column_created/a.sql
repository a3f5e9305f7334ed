-- covers: tsvector/create

CREATE TABLE keep (id int PRIMARY KEY)
