CREATE TYPE "Say ""Hi""" AS ENUM ('a', 'b')

CREATE TABLE t (id int PRIMARY KEY, m "Say ""Hi""")
