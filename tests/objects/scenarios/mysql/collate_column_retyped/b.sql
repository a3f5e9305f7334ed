-- a type change keeps the collation; a column becoming text gets one after its type
CREATE TABLE t (id integer PRIMARY KEY, name varchar(80) COLLATE utf8mb4_unicode_ci, n text COLLATE utf8mb4_general_ci)
