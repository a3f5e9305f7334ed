-- covers: rls/create, rls/drop

CREATE TABLE keep (id int PRIMARY KEY)
