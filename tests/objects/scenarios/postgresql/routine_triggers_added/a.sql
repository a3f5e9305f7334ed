CREATE TABLE a (id serial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())

CREATE TABLE b (id serial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())
