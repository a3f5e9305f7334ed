-- a new table with ON UPDATE on DATETIME columns (DEFAULT NULL, and with a default)
CREATE TABLE other (id integer PRIMARY KEY)

CREATE TABLE t (id integer PRIMARY KEY,
  touched datetime NULL ON UPDATE CURRENT_TIMESTAMP,
  stamped datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)
