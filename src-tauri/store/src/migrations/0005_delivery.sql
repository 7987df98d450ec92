-- 0005: delivery to the centre (issue 7). Append-only: never edit a migration that has shipped.
-- A device queues what it finalised and delivers it in signed, encrypted bundles; the centre
-- keeps the devices it enrolled and the versions it consolidated. See docs/adr/0010.

-- The device's outbox: one row per finalised version, amendment or 廃棄記録. No health data:
-- the content is read from record_versions / destructions when a bundle is made.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY,
    entry_type   TEXT NOT NULL CHECK (entry_type IN ('version', 'destruction')),
    record_id    TEXT NOT NULL,
    -- The version; 0 for a destruction.
    version      INTEGER NOT NULL,
    -- The destruction's id (destructions.id) for a destruction.
    ref_id       TEXT,
    kind         TEXT NOT NULL,
    enqueued_at  TEXT NOT NULL,
    -- waiting: in no bundle yet; bundled: in a bundle not yet delivered; sent: delivered.
    state        TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'bundled', 'sent', 'quarantined')),
    bundle_seq   INTEGER REFERENCES outbox_bundles(seq),
    sent_at      TEXT,
    reason       TEXT,
    UNIQUE (entry_type, record_id, version)
) STRICT;

CREATE INDEX outbox_state ON outbox (state, seq);

-- Bundles a device made. A bundle is made once, with its sequence number, and its bytes (already
-- encrypted) are kept until it is delivered: a retry sends the same file, never a new one.
CREATE TABLE outbox_bundles (
    seq          INTEGER PRIMARY KEY,
    file_name    TEXT NOT NULL UNIQUE,
    sha256       TEXT NOT NULL,
    bytes        BLOB,
    entries      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    sent_at      TEXT,
    sent_to      TEXT
) STRICT;

-- The centre's list of enrolled devices.
CREATE TABLE centre_devices (
    device_id    TEXT PRIMARY KEY,
    public_key   TEXT NOT NULL,
    label        TEXT NOT NULL,
    enrolled_at  TEXT NOT NULL
) STRICT;

-- Versions the centre consolidated from its devices. Keyed by content too, so that two devices'
-- different amendments with the same version number are both kept (the record is then 要確認).
CREATE TABLE consolidated_versions (
    record_id    TEXT NOT NULL,
    version      INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    kind         TEXT NOT NULL,
    device_id    TEXT NOT NULL REFERENCES centre_devices(device_id),
    content      TEXT NOT NULL,
    reason       TEXT,
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    -- The device's clock when the version was made, and the centre's when it arrived.
    created_at   TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    bundle       TEXT NOT NULL,
    PRIMARY KEY (record_id, version, content_hash)
) STRICT;

CREATE TRIGGER consolidated_versions_immutable BEFORE UPDATE ON consolidated_versions
BEGIN
    SELECT RAISE(ABORT, 'consolidated versions are immutable');
END;

CREATE TRIGGER consolidated_versions_kept BEFORE DELETE ON consolidated_versions
BEGIN
    SELECT RAISE(ABORT, 'consolidated versions cannot be deleted');
END;

-- 廃棄記録 reported by devices. No names, no health data.
CREATE TABLE consolidated_destructions (
    destruction_id TEXT PRIMARY KEY,
    record_id      TEXT NOT NULL,
    device_id      TEXT NOT NULL REFERENCES centre_devices(device_id),
    detail         TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    bundle         TEXT NOT NULL
) STRICT;

-- Every bundle file the centre looked at, applied or quarantined, with the reason.
CREATE TABLE centre_bundles (
    sha256       TEXT PRIMARY KEY,
    file_name    TEXT NOT NULL,
    device_id    TEXT,
    outcome      TEXT NOT NULL CHECK (outcome IN ('applied', 'quarantined')),
    reason       TEXT,
    entries      INTEGER NOT NULL DEFAULT 0,
    at           TEXT NOT NULL
) STRICT;
