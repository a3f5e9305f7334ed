CREATE TABLE doc (id int PRIMARY KEY, body text NOT NULL, FULLTEXT KEY ft_body (body))

CREATE TABLE note (id int PRIMARY KEY, title varchar(80), body text, FULLTEXT KEY ft_note (title, body))
