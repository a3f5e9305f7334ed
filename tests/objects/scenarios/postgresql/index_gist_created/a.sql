CREATE TABLE booking (id serial PRIMARY KEY, during tstzrange)
