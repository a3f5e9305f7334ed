-- covers: check/a column-level CHECK (MariaDB names it after its column; SQLAlchemy
-- does not read it): modelled as a table check

CREATE TABLE d (id int PRIMARY KEY, n int)
