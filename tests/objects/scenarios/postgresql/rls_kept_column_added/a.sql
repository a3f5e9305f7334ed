-- covers: rls/table

CREATE TABLE t (id int PRIMARY KEY, owner text)

ALTER TABLE t ENABLE ROW LEVEL SECURITY
