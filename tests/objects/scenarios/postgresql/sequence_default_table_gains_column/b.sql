CREATE SCHEMA other

CREATE SEQUENCE other.numbers START 1000

CREATE TABLE other.t (id int PRIMARY KEY, n bigint NOT NULL DEFAULT nextval('other.numbers'), label text)
