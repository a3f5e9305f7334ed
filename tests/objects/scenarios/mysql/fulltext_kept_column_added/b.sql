CREATE TABLE doc (id int PRIMARY KEY, body text NOT NULL, title varchar(80), FULLTEXT KEY ft_body (body))
