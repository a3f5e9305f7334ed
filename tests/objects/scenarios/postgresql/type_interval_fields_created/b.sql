CREATE TABLE t (id integer PRIMARY KEY, i interval day to second(3), y interval year, p interval(2), hm interval hour to minute, plain interval)
