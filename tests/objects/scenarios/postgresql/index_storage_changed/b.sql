CREATE TABLE u (id serial PRIMARY KEY, email varchar(100) NOT NULL, name text, seen timestamptz, n int)

CREATE INDEX ix_u_n ON u (n) WITH (fillfactor = 90, deduplicate_items = off)
