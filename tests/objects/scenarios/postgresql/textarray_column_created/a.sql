-- covers: textarray/create

CREATE TABLE keep (id int PRIMARY KEY)
