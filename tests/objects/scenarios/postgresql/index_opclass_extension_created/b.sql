CREATE EXTENSION pg_trgm

CREATE TABLE u (id serial PRIMARY KEY, name text)

CREATE INDEX ix_u_name_trgm ON u USING gist (lower(name) gist_trgm_ops)

CREATE INDEX ix_u_name_like ON u (name text_pattern_ops)
