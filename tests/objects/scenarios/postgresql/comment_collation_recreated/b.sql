CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level1', deterministic = false)

COMMENT ON COLLATION ci IS 'ignores case and accents'
