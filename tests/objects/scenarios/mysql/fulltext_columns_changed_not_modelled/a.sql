-- covers: fulltext/change
-- dbplan leaves a FULLTEXT index alone: the chain keeps ft_doc as it is, and the
-- comparison sees its columns changed (the entry's fingerprint) after the upgrade

CREATE TABLE doc (id int PRIMARY KEY, title varchar(80), body text NOT NULL, FULLTEXT KEY ft_doc (body))
