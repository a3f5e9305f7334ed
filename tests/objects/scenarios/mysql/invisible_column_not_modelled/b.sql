-- an INVISIBLE column is modelled as a visible one, its invisibility listed
CREATE TABLE t (id integer PRIMARY KEY, x integer, y integer INVISIBLE)
