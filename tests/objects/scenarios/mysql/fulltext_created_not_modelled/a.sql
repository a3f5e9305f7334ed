-- covers: fulltext/create

CREATE TABLE doc (id int PRIMARY KEY, body text NOT NULL)
