-- covers: citext/create

CREATE EXTENSION IF NOT EXISTS citext

CREATE TABLE keep (id int PRIMARY KEY)
