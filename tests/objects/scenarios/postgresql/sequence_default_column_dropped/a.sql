CREATE SEQUENCE shared

CREATE TABLE t (id int PRIMARY KEY, n bigint DEFAULT nextval('shared'))
