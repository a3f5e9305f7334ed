CREATE TABLE keep (id int PRIMARY KEY)

CREATE TABLE t (id int PRIMARY KEY, flags bit(3), mask varbit(8), any_bits bit varying)
