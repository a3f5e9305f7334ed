CREATE TABLE t (id serial PRIMARY KEY, c "char", cs "char"[], d "char" NOT NULL DEFAULT 'x')
