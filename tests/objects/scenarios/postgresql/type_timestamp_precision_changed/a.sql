CREATE TABLE t (id integer PRIMARY KEY, ts timestamp(3), tz timestamptz, tm time(3))
