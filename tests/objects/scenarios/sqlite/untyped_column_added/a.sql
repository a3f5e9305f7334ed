-- covers: column/declared without a type (BLOB affinity: captured as LargeBinary)

CREATE TABLE t (id integer PRIMARY KEY, a)
