CREATE SEQUENCE tickets START 100

COMMENT ON SEQUENCE tickets IS 'Numbers of the tickets'
