CREATE TABLE u (id int PRIMARY KEY)

CREATE TABLE t (id int PRIMARY KEY, price numeric(10, 2), qty int, total numeric GENERATED ALWAYS AS (price * qty) STORED, label text GENERATED ALWAYS AS (upper(price::text) || 'x') STORED)
