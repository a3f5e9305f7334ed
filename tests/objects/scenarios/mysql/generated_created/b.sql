CREATE TABLE u (id int PRIMARY KEY)

CREATE TABLE t (id int PRIMARY KEY, price decimal(10, 2), qty int, total decimal(12, 2) AS (price * qty) PERSISTENT, label varchar(30) AS (concat('#', qty)) VIRTUAL)
