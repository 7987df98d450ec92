-- 0012: the photos of site visits (issue 16), kept in the encrypted store as the JPEGs
-- `store::photos::normalise` makes (upright, scaled down, no metadata), named by their SHA-256.
-- A finalised visit carries its photos in its version's snapshot; this table holds them for the
-- drafts and the screens.
CREATE TABLE photos (
    sha256   TEXT PRIMARY KEY,
    jpeg     BLOB NOT NULL,
    width    INTEGER NOT NULL,
    height   INTEGER NOT NULL,
    added_at TEXT NOT NULL
) STRICT;
