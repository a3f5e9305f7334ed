-- covers: enum/create with a name that is not a plain word (Enum("Odd Enum"))

CREATE TABLE t (id int PRIMARY KEY)
