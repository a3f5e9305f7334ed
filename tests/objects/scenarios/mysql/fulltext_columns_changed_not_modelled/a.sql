-- covers: fulltext/change
-- dbplan leaves a FULLTEXT index alone and its inventory names it, not its columns: the
-- chain keeps ft_doc as it is on either side and no difference is reported

CREATE TABLE doc (id int PRIMARY KEY, title varchar(80), body text NOT NULL, FULLTEXT KEY ft_doc (body))
