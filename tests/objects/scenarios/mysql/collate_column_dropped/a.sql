CREATE TABLE t (id integer PRIMARY KEY, name varchar(40) COLLATE utf8mb4_unicode_ci NOT NULL, INDEX ix_t_name (name))
