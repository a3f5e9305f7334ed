-- covers: domaincol/create

CREATE DOMAIN posint AS integer CHECK (VALUE > 0)

CREATE TABLE keep (id int PRIMARY KEY)
