CREATE TABLE t (id int PRIMARY KEY, flags bit(3), n bigint, extra text)
