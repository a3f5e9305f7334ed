CREATE TABLE z (note text)
