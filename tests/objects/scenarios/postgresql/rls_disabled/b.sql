CREATE TABLE docs (id serial PRIMARY KEY, owner text NOT NULL, level integer NOT NULL DEFAULT 0)
