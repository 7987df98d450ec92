-- The centre keeps each applied bundle's payload exactly as its device signed it, with the
-- signature, so that every consolidated version can be checked again against the device's
-- enrolled key (`verify`; ADR 0026). Same tables as the shared PostgreSQL store.
CREATE TABLE consolidated_payloads (
    sha256       TEXT PRIMARY KEY,
    file_name    TEXT NOT NULL,
    device_id    TEXT NOT NULL REFERENCES centre_devices(device_id),
    payload      TEXT NOT NULL,
    signature    TEXT NOT NULL,
    imported_at  TEXT NOT NULL
) STRICT;

-- Which records each payload holds (so that a destruction removes every payload holding the
-- record's content).
CREATE TABLE consolidated_payload_records (
    record_id TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    PRIMARY KEY (record_id, sha256)
) STRICT, WITHOUT ROWID;

-- A payload removed because it held a destroyed record: ids and hashes of its entries only.
CREATE TABLE consolidated_payloads_destroyed (
    sha256        TEXT PRIMARY KEY,
    file_name     TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    entries       TEXT NOT NULL,
    destroyed_for TEXT NOT NULL,
    destroyed_at  TEXT NOT NULL
) STRICT;

CREATE TRIGGER consolidated_payloads_immutable BEFORE UPDATE ON consolidated_payloads
BEGIN
    SELECT RAISE(ABORT, 'signed payloads are kept as they arrived');
END;

CREATE TRIGGER consolidated_payloads_kept BEFORE DELETE ON consolidated_payloads
WHEN NOT EXISTS (SELECT 1 FROM consolidated_payload_records r JOIN destruction_permits p ON p.record_id = r.record_id WHERE r.sha256 = OLD.sha256)
BEGIN
    SELECT RAISE(ABORT, 'signed payloads are kept as they arrived');
END;

-- What arrived before payloads were kept: listed by the check, not taken for forged.
CREATE TABLE consolidated_before_proofs (
    record_id    TEXT NOT NULL,
    version      INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    PRIMARY KEY (record_id, version, content_hash)
) STRICT, WITHOUT ROWID;
INSERT INTO consolidated_before_proofs (record_id, version, content_hash)
    SELECT record_id, version, content_hash FROM consolidated_versions;
CREATE TABLE consolidated_destructions_before_proofs (destruction_id TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
INSERT INTO consolidated_destructions_before_proofs (destruction_id) SELECT destruction_id FROM consolidated_destructions;
