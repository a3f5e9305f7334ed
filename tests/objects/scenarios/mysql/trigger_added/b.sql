CREATE TABLE t (id int PRIMARY KEY AUTO_INCREMENT, name varchar(20) NOT NULL, n int, note text)

CREATE TRIGGER t_n BEFORE INSERT ON t FOR EACH ROW
BEGIN
  SET NEW.n = CHAR_LENGTH(NEW.name);  -- a compound body: no DELIMITER
  IF NEW.note IS NULL THEN
    SET NEW.note = CONCAT('100% :new ', NEW.name);
  END IF;
END
