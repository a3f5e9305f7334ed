-- covers: zero/change, zero/table

CREATE TABLE z (note text)
