CREATE TABLE keep (id int PRIMARY KEY)

CREATE TABLE t (id int PRIMARY KEY, m money, x xml, mac macaddr8, pt point, bx box, poly polygon, mr int4multirange, rs int4range[], q tsquery, l pg_lsn, jp jsonpath)
