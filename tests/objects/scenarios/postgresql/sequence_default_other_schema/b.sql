CREATE SCHEMA app

CREATE SEQUENCE pub_seq

CREATE TABLE app.items (id int PRIMARY KEY, n bigint DEFAULT nextval('pub_seq'))
