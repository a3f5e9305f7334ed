CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)

COMMENT ON COLLATION ci IS 'ignores case: 100%'
