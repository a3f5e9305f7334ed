CREATE TABLE t (id int PRIMARY KEY, n bigint NOT NULL)

INSERT INTO t VALUES (1, 5)

CREATE PROCEDURE bump(IN step int, OUT total int)
BEGIN
  UPDATE t SET n = n + step;
  SELECT SUM(n) INTO total FROM t;
END
