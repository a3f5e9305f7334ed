CREATE TABLE t (id serial PRIMARY KEY, name varchar(80) NOT NULL, touched timestamptz)

CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.touched := now();
  RETURN NEW;
END $$

CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch()
