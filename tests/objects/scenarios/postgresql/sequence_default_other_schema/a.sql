-- covers: sequence/default of another schema's table
-- a table of schema app takes its numbers from public's sequence: the default must
-- keep naming public's (SQLAlchemy's reflection qualified it with app)

CREATE SCHEMA app

CREATE SEQUENCE pub_seq

CREATE TABLE app.items (id int PRIMARY KEY)
