-- ON UPDATE dropped, the default kept
CREATE TABLE t (id integer PRIMARY KEY, at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP)

INSERT INTO t (id) VALUES (1)
