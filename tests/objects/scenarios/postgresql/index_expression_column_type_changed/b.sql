CREATE TABLE u (id serial PRIMARY KEY, email text NOT NULL, name text, seen timestamptz, n int)

CREATE UNIQUE INDEX ix_u_email ON u (lower(email))
