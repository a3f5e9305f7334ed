CREATE TABLE u (id integer PRIMARY KEY)

-- a new table with such columns (created with its table, not added)
CREATE TABLE t (id int unsigned PRIMARY KEY, at datetime(3) NOT NULL, n tinyint(2) unsigned zerofill)
