-- covers: fulltext/drop

CREATE TABLE doc (id int PRIMARY KEY, body text NOT NULL, FULLTEXT KEY ft_body (body))
