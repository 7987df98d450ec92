-- The centre's record of each device's audit anchor (ADR 0020): the newest bundle applied with
-- the head of the device's audit chain it carried, and why the device was flagged, if it was
-- (its chain went back between two bundles).
CREATE TABLE device_anchors (
    device_id   TEXT PRIMARY KEY,
    bundle_seq  INTEGER NOT NULL,
    audit_seq   INTEGER NOT NULL,
    audit_hash  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    flagged     TEXT,
    flagged_at  TEXT
) STRICT;
