CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)
