-- 0007: when each outbox entry was made on the device (the version's 確定 or 訂正 time, or the
-- 廃棄記録's), kept in the outbox itself. The home screen's warning about what was finalised more
-- than 7 days ago and has not reached the centre read every version's row for it: 1.8 s per poll
-- on a 100,000-record store. Append-only: never edit a migration that has shipped.
ALTER TABLE outbox ADD COLUMN made_at TEXT;

UPDATE outbox SET made_at = coalesce(
    (SELECT v.created_at FROM record_versions v
      WHERE outbox.entry_type = 'version' AND v.record_id = outbox.record_id AND v.version = outbox.version),
    (SELECT d.destroyed_at FROM destructions d WHERE outbox.entry_type = 'destruction' AND d.id = outbox.ref_id),
    enqueued_at);

CREATE INDEX outbox_made ON outbox (made_at);
