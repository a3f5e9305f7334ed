-- columns of types no canonical type creates exactly: each re-created as COLUMN_TYPE spells it
CREATE TABLE t (id integer PRIMARY KEY, b bit(3), c char(2) NOT NULL DEFAULT 'x', f float, d double(10,4), dt datetime(3), tm time(0), ts timestamp(2) NULL, iu int unsigned, ti tinyint, mi mediumint, y year, dc decimal(6,2) unsigned, mt mediumtext, bn binary(4), vb varbinary(10), lb longblob)

INSERT INTO t (id, c, iu, dt) VALUES (1, 'ab', 4000000000, '2024-01-31 13:45:10.123')
