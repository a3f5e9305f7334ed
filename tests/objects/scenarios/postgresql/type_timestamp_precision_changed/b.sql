CREATE TABLE t (id integer PRIMARY KEY, ts timestamp(0), tz timestamptz(2), tm time)
