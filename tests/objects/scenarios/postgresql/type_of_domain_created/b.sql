CREATE DOMAIN posint AS integer CHECK (VALUE > 0)

CREATE TYPE pair AS (x posint, y text)

CREATE DOMAIN pairs AS pair[]
