CREATE TABLE booking (id serial PRIMARY KEY, during tstzrange)

CREATE INDEX ix_booking_during ON booking USING gist (during)
