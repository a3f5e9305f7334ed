CREATE TYPE pair AS (x integer, y text)

CREATE TABLE t OF pair (PRIMARY KEY (x))
