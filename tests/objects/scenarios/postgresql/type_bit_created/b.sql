CREATE TABLE t (id integer PRIMARY KEY, b bit(3), vb varbit, v5 bit varying(5) NOT NULL DEFAULT B'101', ba bit(2)[])
