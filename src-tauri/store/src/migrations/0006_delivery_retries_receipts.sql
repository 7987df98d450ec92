-- 0006: delivery retries, device-side quarantine and receipts from the centre (issue 7, second
-- slice). Append-only: never edit a migration that has shipped. See docs/adr/0011.

-- A device's bundle: how often sending it failed for a reason of its own (not because the
-- network or the folder was away), the last such reason, when it was set aside after too many
-- such failures, and what the centre's receipt said.
ALTER TABLE outbox_bundles ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox_bundles ADD COLUMN last_error TEXT;
ALTER TABLE outbox_bundles ADD COLUMN quarantined_at TEXT;
-- The centre applied it (the receipt said so, signed by the centre).
ALTER TABLE outbox_bundles ADD COLUMN received_at TEXT;
-- The centre set it aside, and why (the device sends it again: a copy damaged on the way).
ALTER TABLE outbox_bundles ADD COLUMN centre_reason TEXT;
-- The centre's 'damaged' receipt already acted on (its hash and time), so the same receipt never
-- causes a second resend, whatever the two clocks say.
ALTER TABLE outbox_bundles ADD COLUMN acted_receipt TEXT;

CREATE INDEX outbox_bundles_unsent ON outbox_bundles (sent_at, quarantined_at, seq);

-- The centre: when it wrote the receipt of a bundle it looked at.
ALTER TABLE centre_bundles ADD COLUMN receipt_at TEXT;
-- Where the bundle was read from (a folder or a URL), to write the receipt back beside it.
ALTER TABLE centre_bundles ADD COLUMN source TEXT;
-- The refusal code of a quarantined bundle (`damaged`, `unknown_device`, …), for its receipt.
ALTER TABLE centre_bundles ADD COLUMN code TEXT;

-- The centre's earlier X25519 keys, after a rotation: bundles made for the old key still open.
CREATE TABLE centre_old_identities (
    recipient    TEXT PRIMARY KEY,
    identity     TEXT NOT NULL,
    retired_at   TEXT NOT NULL
) STRICT;

-- The centre: the current consolidated version of each record (the highest version; of two
-- conflicting ones, the first imported), with the columns the ledgers and the annual report
-- filter on. Derived from consolidated_versions (which stays append-only) and kept up to date
-- in the import's transaction.
CREATE TABLE consolidated_latest (
    record_id    TEXT PRIMARY KEY,
    version      INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    kind         TEXT NOT NULL,
    performed_on TEXT,
    fiscal_year  INTEGER,
    place        TEXT,
    doctor_id    TEXT,
    workplace_id TEXT,
    device_id    TEXT NOT NULL
) STRICT;

CREATE INDEX consolidated_latest_ledger ON consolidated_latest (kind, fiscal_year, performed_on);

INSERT INTO consolidated_latest (record_id, version, content_hash, kind, performed_on, fiscal_year, place, doctor_id, workplace_id, device_id)
SELECT v.record_id, v.version, v.content_hash, v.kind,
       json_extract(v.content, '$.body.data.performed_on'),
       CASE WHEN json_extract(v.content, '$.body.data.performed_on') IS NULL THEN NULL
            WHEN CAST(substr(json_extract(v.content, '$.body.data.performed_on'), 6, 2) AS INTEGER) >= 4
            THEN CAST(substr(json_extract(v.content, '$.body.data.performed_on'), 1, 4) AS INTEGER)
            ELSE CAST(substr(json_extract(v.content, '$.body.data.performed_on'), 1, 4) AS INTEGER) - 1 END,
       json_extract(v.content, '$.body.data.place'),
       json_extract(v.content, '$.body.data.doctor_id'),
       json_extract(v.content, '$.body.data.workplace_id'),
       v.device_id
FROM consolidated_versions v
WHERE NOT EXISTS (
    SELECT 1 FROM consolidated_versions x
    WHERE x.record_id = v.record_id
      AND (x.version > v.version OR (x.version = v.version AND (x.imported_at, x.content_hash) < (v.imported_at, v.content_hash))));

-- Ledger numbers for consolidated records, in the same per-fiscal-year sequence as the centre's
-- own (record ids are UUIDv7, unique across devices).
INSERT INTO ledger_numbers (record_id, ledger, fiscal_year, number, assigned_at)
SELECT l.record_id, l.kind, l.fiscal_year,
       coalesce((SELECT max(number) FROM ledger_numbers n WHERE n.ledger = l.kind AND n.fiscal_year = l.fiscal_year), 0)
         + row_number() OVER (PARTITION BY l.kind, l.fiscal_year ORDER BY l.performed_on, l.record_id),
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM consolidated_latest l
WHERE l.kind IN ('consultation', 'interview') AND l.fiscal_year IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM ledger_numbers n WHERE n.record_id = l.record_id);

-- Retention on the centre: consolidated versions are kept 5 years like the centre's own records,
-- then destroyed with a 廃棄記録. They may be deleted only under a destruction permit, in the
-- destruction's own transaction, exactly like finalised versions (0001).
DROP TRIGGER consolidated_versions_kept;
CREATE TRIGGER consolidated_versions_kept BEFORE DELETE ON consolidated_versions
WHEN NOT EXISTS (SELECT 1 FROM destruction_permits WHERE record_id = OLD.record_id)
BEGIN
    SELECT RAISE(ABORT, 'consolidated versions cannot be deleted');
END;
