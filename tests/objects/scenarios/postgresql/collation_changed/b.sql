CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level1')
