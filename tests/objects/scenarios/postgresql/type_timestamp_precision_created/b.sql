CREATE TABLE t (id integer PRIMARY KEY, ts timestamp(3), tz timestamptz(0), tm time(3), ttz timetz(2), t6 timestamp(6))
