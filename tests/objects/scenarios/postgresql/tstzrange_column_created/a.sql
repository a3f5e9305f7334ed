-- covers: tstzrange/create

CREATE TABLE keep (id int PRIMARY KEY)
