CREATE TABLE a (id serial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())

CREATE TABLE b (id serial PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())

CREATE FUNCTION read_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION '%.created_at is read-only', TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END $$

CREATE TRIGGER a_ro BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION read_only()

CREATE TRIGGER b_ro BEFORE UPDATE OF created_at ON b FOR EACH ROW EXECUTE FUNCTION read_only()
