-- covers: zero/change

CREATE TABLE z ()
