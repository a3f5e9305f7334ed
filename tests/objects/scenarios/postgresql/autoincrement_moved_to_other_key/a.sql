-- covers: autoincrement/change

CREATE TABLE t (id serial PRIMARY KEY, code int NOT NULL UNIQUE)
