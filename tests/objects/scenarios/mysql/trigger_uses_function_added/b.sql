CREATE TABLE t (id int PRIMARY KEY, name varchar(20), slug varchar(20))

CREATE FUNCTION slugify(s varchar(20)) RETURNS varchar(20) DETERMINISTIC RETURN LOWER(REPLACE(s, ' ', '-'))

CREATE TRIGGER t_slug BEFORE INSERT ON t FOR EACH ROW SET NEW.slug = slugify(NEW.name)

CREATE TRIGGER t_slug_upd BEFORE UPDATE ON t FOR EACH ROW SET NEW.slug = slugify(NEW.name)
