-- covers: enum/change of one whose name needs quoting

CREATE TYPE "Say ""Hi""" AS ENUM ('a')

CREATE TABLE t (id int PRIMARY KEY, m "Say ""Hi""")
