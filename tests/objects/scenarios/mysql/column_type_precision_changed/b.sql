-- fractional-second precision changed both ways, and to the canonical datetime(6)
CREATE TABLE t (id integer PRIMARY KEY, at datetime(6), tm time, ts timestamp(1) NULL)

INSERT INTO t (id, at) VALUES (1, '2024-01-31 13:45:10.123')
