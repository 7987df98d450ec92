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
