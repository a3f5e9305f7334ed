CREATE COLLATION split (lc_collate = 'C', lc_ctype = 'POSIX')

COMMENT ON COLLATION split IS 'split locales'
