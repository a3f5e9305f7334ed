CREATE TABLE t (id integer PRIMARY KEY, name varchar(20) COLLATE utf8mb4_unicode_ci)
