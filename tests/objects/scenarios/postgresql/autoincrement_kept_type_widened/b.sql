CREATE TABLE t (id bigserial PRIMARY KEY, name text, extra int)

INSERT INTO t (name) VALUES ('a')
