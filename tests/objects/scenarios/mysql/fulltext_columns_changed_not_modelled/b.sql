CREATE TABLE doc (id int PRIMARY KEY, title varchar(80), body text NOT NULL, FULLTEXT KEY ft_doc (title, body))
