-- a type change keeps the collation; a column becoming text gets one after its type
CREATE TABLE t (id serial PRIMARY KEY, name varchar(80) COLLATE "C", n text COLLATE "POSIX")
