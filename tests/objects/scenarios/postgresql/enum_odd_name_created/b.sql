CREATE TYPE "Odd Enum" AS ENUM ('a', 'b c', 'it''s')

CREATE TABLE t (id int PRIMARY KEY, m "Odd Enum")
