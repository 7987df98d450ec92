//! The consolidated centre store on PostgreSQL, for several coordinators sharing one ledger
//! (`--database postgres://user@host/db`, or `CHISANPO_DATABASE_URL`). The same tables and rules
//! as the embedded store; the centre's keys stay in each coordinator's encrypted local store,
//! and every change is also written to that store's audit chain. Imports serialise on an
//! advisory lock, so two coordinators importing at once cannot give one 台帳 number twice.
//! See docs/adr/0012-postgresql-consolidated-store.md.
//!
//! The database defends itself against a coordinator's own role (ADR 0026): roles by job
//! (`pg_roles_script`), triggers that refuse what no code path does, destruction only through
//! `chisanpo_destroy_record`, and each applied bundle's signed payload kept, so that
//! `check_proofs` names every row the devices did not sign.

use std::collections::{HashMap, HashSet};

use postgres::types::ToSql;
use postgres::Client;

use super::pg_batch as batch;
use super::proof::seconds_of;
use super::proof::{self, ProofCheck, Prover, Tombstone, VersionRow};
use super::{destruction_id, group_records, newest_first, other_payload, Applied, Checked, Consolidation, KeptPayload, ReceiptRow};
use crate::anchors::{AuditHead, DeviceAnchor};
use crate::bundle::{Entry, Refusal};
use crate::consolidated::Columns;
use crate::domain::retention::{arrived_too_recently, check_destroy_request, retention_item, DestructionRecord, RetentionItem};
use crate::domain::Date;
use crate::domain::VersionContent;
use crate::enrol::{EnrolledDevice, EnrolmentRequest};
use crate::error::{DeliveryCode, Error, Result};
use crate::import::ConsolidatedRecord;
use crate::ledger::annual::AnnualRow;
use crate::ledger::rows::LedgerEntry;
use crate::ledger::{Ledger, LedgerFilter, LedgerKind, ReportSource};
use crate::store::{Action, Store};

/// The advisory lock every write transaction takes.
pub(super) const LOCK: i64 = 0x4368_6973_616e; // "Chisan"

/// The schema, append-only like the embedded store's migrations.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE centre_devices (
    device_id    TEXT PRIMARY KEY,
    public_key   TEXT NOT NULL,
    label        TEXT NOT NULL,
    enrolled_at  TEXT NOT NULL
);
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
    created_at   TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    bundle       TEXT NOT NULL,
    PRIMARY KEY (record_id, version, content_hash)
);
CREATE FUNCTION chisanpo_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'consolidated versions are immutable';
END $$;
CREATE TRIGGER consolidated_versions_immutable BEFORE UPDATE OR DELETE ON consolidated_versions
    FOR EACH ROW EXECUTE FUNCTION chisanpo_refuse_change();
CREATE TABLE consolidated_destructions (
    destruction_id TEXT PRIMARY KEY,
    record_id      TEXT NOT NULL,
    device_id      TEXT NOT NULL REFERENCES centre_devices(device_id),
    detail         TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    bundle         TEXT NOT NULL
);
CREATE TABLE centre_bundles (
    sha256       TEXT PRIMARY KEY,
    file_name    TEXT NOT NULL,
    device_id    TEXT,
    outcome      TEXT NOT NULL CHECK (outcome IN ('applied', 'quarantined')),
    reason       TEXT,
    code         TEXT,
    entries      BIGINT NOT NULL DEFAULT 0,
    at           TEXT NOT NULL,
    source       TEXT,
    receipt_at   TEXT
);
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
);
CREATE INDEX consolidated_latest_ledger ON consolidated_latest (kind, fiscal_year, performed_on);
CREATE TABLE ledger_numbers (
    record_id    TEXT PRIMARY KEY,
    ledger       TEXT NOT NULL,
    fiscal_year  INTEGER NOT NULL,
    number       INTEGER NOT NULL,
    assigned_at  TEXT NOT NULL,
    UNIQUE (ledger, fiscal_year, number)
);
"#,
    r#"
-- Retention: versions may be deleted only under a destruction permit, in the destruction's
-- own transaction; each destruction leaves a 廃棄記録 (no names, no health data).
CREATE TABLE destruction_permits (record_id TEXT PRIMARY KEY);
CREATE OR REPLACE FUNCTION chisanpo_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM destruction_permits WHERE record_id = OLD.record_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'consolidated versions are immutable';
END $$;
CREATE TABLE destructions (
    id            TEXT PRIMARY KEY,
    record_id     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    fiscal_year   INTEGER,
    ledger_number INTEGER,
    performed_on  TEXT,
    retain_until  TEXT,
    destroyed_at  TEXT NOT NULL,
    destroyed_by  TEXT NOT NULL,
    destroyed_by_name TEXT,
    reason        TEXT NOT NULL
);
"#,
    r#"
CREATE TABLE device_anchors (
    device_id   TEXT PRIMARY KEY,
    bundle_seq  BIGINT NOT NULL,
    audit_seq   BIGINT NOT NULL,
    audit_hash  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    flagged     TEXT,
    flagged_at  TEXT
);
"#,
    MIGRATION_4_ROLES_AND_PROOFS,
    MIGRATION_5_NO_DESTRUCTION_OF_NOTHING,
    MIGRATION_6_SEALED_TOMBSTONES,
    MIGRATION_7_NO_PAYLOAD_AFTER_ITS_TOMBSTONE,
    MIGRATION_8_LEDGER_BY_DATE,
    MIGRATION_9_CENTRE_AND_MOVES,
    MIGRATION_10_CHEAPER_PAYLOADS,
];

/// A bundle's payload is up to 15 MB of JSON, kept as its device signed it. The server read it
/// three times over to list its records (json: validate, `->`, the elements), and compressed it
/// with pglz: together 0.9 s of a 6,300-version bundle, most of the import (issue 18, measured on
/// the national benchmark). jsonb reads it once; lz4 compresses it several times faster (where
/// the server was built without lz4, the columns keep pglz). The payload's text is unchanged.
const MIGRATION_10_CHEAPER_PAYLOADS: &str = r#"
CREATE OR REPLACE FUNCTION chisanpo_index_payload() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    INSERT INTO consolidated_payload_records (record_id, sha256)
        SELECT DISTINCT e->>'record_id', NEW.sha256 FROM jsonb_array_elements(NEW.payload::jsonb->'entries') e
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION chisanpo_index_payload() SET search_path = %I, pg_temp', current_schema());
END $$;
DO $$
BEGIN
    ALTER TABLE consolidated_payloads ALTER COLUMN payload SET COMPRESSION lz4;
    ALTER TABLE consolidated_versions ALTER COLUMN content SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available on this server: payloads stay compressed with pglz';
END $$;
"#;

/// A 台帳 is asked for by date (a fiscal year is a range of 実施日): with the kind and the date
/// leading an index, its query reads that year's rows only, however many years the database
/// holds (issue 18; the first index leads with the fiscal year after the kind, which a range of
/// dates cannot use).
const MIGRATION_8_LEDGER_BY_DATE: &str = r#"
CREATE INDEX consolidated_latest_by_date ON consolidated_latest (kind, performed_on);
"#;

/// `chisanpo centre move-to` (ADR 0031): the centre whose records this database holds, written
/// the first time a centre's own store is moved in, so that another centre's move is refused; and
/// each move, with what it counted (ids and counts only). Only the owner writes them (the move
/// runs as the owner: it keeps the rows' arrival times); coordinators have no rights on them.
const MIGRATION_9_CENTRE_AND_MOVES: &str = r#"
CREATE TABLE chisanpo_centre (
    centre_id   TEXT PRIMARY KEY,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    recorded_by TEXT NOT NULL DEFAULT session_user
);
CREATE UNIQUE INDEX chisanpo_centre_one_row ON chisanpo_centre ((true));
CREATE TRIGGER chisanpo_centre_append_only BEFORE UPDATE OR DELETE ON chisanpo_centre
    FOR EACH ROW EXECUTE FUNCTION chisanpo_append_only();
CREATE TRIGGER chisanpo_centre_no_truncate BEFORE TRUNCATE ON chisanpo_centre
    FOR EACH STATEMENT EXECUTE FUNCTION chisanpo_append_only();
CREATE TABLE centre_moves (
    move_id     TEXT PRIMARY KEY,
    centre_id   TEXT NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_by  TEXT NOT NULL DEFAULT session_user,
    finished_at TIMESTAMPTZ,
    counts      TEXT
);
"#;

/// A payload removed with a destroyed record never comes back under the same hash: a role that
/// flipped an applied bundle's row would otherwise have it applied again, and its record with
/// it, for another five years (the review of ADR 0026's addendum).
const MIGRATION_7_NO_PAYLOAD_AFTER_ITS_TOMBSTONE: &str = r#"
CREATE FUNCTION chisanpo_no_payload_after_its_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM consolidated_payloads_destroyed WHERE sha256 = NEW.sha256) THEN
        RAISE EXCEPTION 'this payload was removed with a destroyed record' USING ERRCODE = 'QC001';
    END IF;
    RETURN NEW;
END $$;
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION chisanpo_no_payload_after_its_tombstone() SET search_path = %I, pg_temp', current_schema());
END $$;
CREATE TRIGGER consolidated_payloads_not_after_tombstone BEFORE INSERT ON consolidated_payloads
    FOR EACH ROW EXECUTE FUNCTION chisanpo_no_payload_after_its_tombstone();
"#;

/// A tombstone (a payload removed with a destroyed record) vouches for the other records' versions
/// it held only when a coordinator's app sealed it with the centre's signing key after checking the
/// payload's signature (`proof::seal_message`): a role that calls `chisanpo_destroy_record` itself
/// cannot make a junk payload's entries pass the check. Tombstones made before this migration are
/// listed apart (`consolidated_tombstones_before_seals`).
const MIGRATION_6_SEALED_TOMBSTONES: &str = r#"
CREATE TABLE consolidated_tombstone_seals (
    sha256      TEXT PRIMARY KEY REFERENCES consolidated_payloads_destroyed(sha256),
    signing_key TEXT NOT NULL,
    signature   TEXT NOT NULL,
    sealed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    sealed_by   TEXT NOT NULL DEFAULT session_user
);
CREATE TABLE consolidated_tombstones_before_seals AS SELECT sha256 FROM consolidated_payloads_destroyed;
CREATE TRIGGER consolidated_tombstone_seals_append_only BEFORE UPDATE OR DELETE ON consolidated_tombstone_seals
    FOR EACH ROW EXECUTE FUNCTION chisanpo_append_only();
CREATE TRIGGER consolidated_tombstone_seals_no_truncate BEFORE TRUNCATE ON consolidated_tombstone_seals
    FOR EACH STATEMENT EXECUTE FUNCTION chisanpo_append_only();
CREATE TRIGGER consolidated_tombstones_before_seals_append_only BEFORE INSERT OR UPDATE OR DELETE ON consolidated_tombstones_before_seals
    FOR EACH ROW EXECUTE FUNCTION chisanpo_append_only();
CREATE TRIGGER consolidated_tombstones_before_seals_no_truncate BEFORE TRUNCATE ON consolidated_tombstones_before_seals
    FOR EACH STATEMENT EXECUTE FUNCTION chisanpo_append_only();

CREATE OR REPLACE FUNCTION chisanpo_grant_roles() RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chisanpo_coordinator') THEN
        RETURN;
    END IF;
    REVOKE ALL ON chisanpo_schema, centre_devices, consolidated_versions, consolidated_destructions, centre_bundles,
        consolidated_latest, ledger_numbers, destruction_permits, destructions, device_anchors, consolidated_payloads,
        consolidated_payload_records, consolidated_payloads_destroyed, consolidated_tombstone_seals,
        consolidated_tombstones_before_seals FROM chisanpo_coordinator;
    GRANT SELECT ON chisanpo_schema, centre_devices, consolidated_versions, consolidated_destructions, centre_bundles,
        consolidated_latest, ledger_numbers, destructions, device_anchors, consolidated_payloads,
        consolidated_payload_records, consolidated_payloads_destroyed, consolidated_tombstone_seals,
        consolidated_tombstones_before_seals TO chisanpo_coordinator;
    GRANT INSERT (device_id, public_key, label, enrolled_at) ON centre_devices TO chisanpo_coordinator;
    GRANT INSERT (record_id, version, content_hash, kind, device_id, content, reason, author_id, author_name, created_at, imported_at, bundle)
        ON consolidated_versions TO chisanpo_coordinator;
    GRANT INSERT (destruction_id, record_id, device_id, detail, imported_at, bundle) ON consolidated_destructions TO chisanpo_coordinator;
    GRANT INSERT (sha256, file_name, device_id, outcome, reason, code, entries, at, source) ON centre_bundles TO chisanpo_coordinator;
    GRANT UPDATE (device_id, outcome, reason, code, entries, at, source, receipt_at) ON centre_bundles TO chisanpo_coordinator;
    GRANT INSERT (record_id, version, content_hash, kind, performed_on, fiscal_year, place, doctor_id, workplace_id, device_id)
        ON consolidated_latest TO chisanpo_coordinator;
    GRANT UPDATE (version, content_hash, kind, performed_on, fiscal_year, place, doctor_id, workplace_id, device_id)
        ON consolidated_latest TO chisanpo_coordinator;
    GRANT INSERT (record_id, ledger, fiscal_year, number, assigned_at) ON ledger_numbers TO chisanpo_coordinator;
    GRANT INSERT (id, record_id, kind, fiscal_year, ledger_number, performed_on, retain_until, destroyed_at, destroyed_by, destroyed_by_name, reason)
        ON destructions TO chisanpo_coordinator;
    GRANT INSERT (device_id, bundle_seq, audit_seq, audit_hash, updated_at, flagged, flagged_at) ON device_anchors TO chisanpo_coordinator;
    GRANT UPDATE (bundle_seq, audit_seq, audit_hash, updated_at, flagged, flagged_at) ON device_anchors TO chisanpo_coordinator;
    GRANT INSERT (sha256, file_name, device_id, payload, signature, imported_at) ON consolidated_payloads TO chisanpo_coordinator;
    GRANT INSERT (sha256, signing_key, signature) ON consolidated_tombstone_seals TO chisanpo_coordinator;
    GRANT EXECUTE ON FUNCTION chisanpo_destroy_record(TEXT) TO chisanpo_coordinator;
END $$;
REVOKE ALL ON FUNCTION chisanpo_grant_roles() FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION chisanpo_grant_roles() SET search_path = %I, pg_temp', current_schema());
END $$;
SELECT chisanpo_grant_roles();
"#;

/// A record with no version here has no arrival to count 5 years from: its destruction is
/// refused (otherwise a role could destroy a made-up record, and with it the payloads it
/// claims to share with forged versions).
const MIGRATION_5_NO_DESTRUCTION_OF_NOTHING: &str = r#"
CREATE OR REPLACE FUNCTION chisanpo_destroy_record(p_record_id TEXT) RETURNS INTEGER LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    arrived TIMESTAMPTZ;
    removed INTEGER;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM destructions WHERE record_id = p_record_id) THEN
        RAISE EXCEPTION 'a record is destroyed only after its destruction record is written' USING ERRCODE = 'QC003';
    END IF;
    SELECT min(coalesce(received_at, imported_at::TIMESTAMPTZ)) INTO arrived FROM consolidated_versions WHERE record_id = p_record_id;
    IF arrived IS NULL OR arrived > now() - INTERVAL '5 years' THEN
        RAISE EXCEPTION 'the record reached this server less than five years ago' USING ERRCODE = 'QC002';
    END IF;
    INSERT INTO destruction_permits (record_id) VALUES (p_record_id);
    INSERT INTO consolidated_payloads_destroyed (sha256, file_name, device_id, entries, destroyed_for)
        SELECT p.sha256, p.file_name, p.device_id,
               coalesce((SELECT json_agg(json_build_array(e->>'entry_type', e->>'record_id', (e->>'version')::BIGINT, e->>'content_hash'))
                         FROM json_array_elements(p.payload::json->'entries') e), '[]'::json)::TEXT,
               p_record_id
        FROM consolidated_payloads p JOIN consolidated_payload_records r ON r.sha256 = p.sha256
        WHERE r.record_id = p_record_id;
    DELETE FROM consolidated_payloads p USING consolidated_payload_records r WHERE r.sha256 = p.sha256 AND r.record_id = p_record_id;
    DELETE FROM consolidated_versions WHERE record_id = p_record_id;
    GET DIAGNOSTICS removed = ROW_COUNT;
    DELETE FROM consolidated_latest WHERE record_id = p_record_id;
    DELETE FROM destruction_permits WHERE record_id = p_record_id;
    RETURN removed;
END $$;
REVOKE ALL ON FUNCTION chisanpo_destroy_record(TEXT) FROM PUBLIC;
"#;

/// ADR 0026 (issue 13, finding 11): the database refuses what no code path does, keeps each
/// applied bundle's payload as its device signed it, records which database role wrote what and
/// when (columns only the server fills), destroys only through its own check, and grants a
/// coordinator only what the code issues (`chisanpo_grant_roles`).
const MIGRATION_4_ROLES_AND_PROOFS: &str = r#"
-- Who and when, by the server: a coordinator's role has no INSERT right on these columns.
ALTER TABLE centre_devices ADD COLUMN enrolled_by TEXT;
ALTER TABLE centre_devices ALTER COLUMN enrolled_by SET DEFAULT session_user;
ALTER TABLE consolidated_versions ADD COLUMN received_at TIMESTAMPTZ, ADD COLUMN received_by TEXT;
ALTER TABLE consolidated_versions ALTER COLUMN received_at SET DEFAULT now(), ALTER COLUMN received_by SET DEFAULT session_user;
ALTER TABLE consolidated_destructions ADD COLUMN received_at TIMESTAMPTZ, ADD COLUMN received_by TEXT;
ALTER TABLE consolidated_destructions ALTER COLUMN received_at SET DEFAULT now(), ALTER COLUMN received_by SET DEFAULT session_user;
ALTER TABLE destructions ADD COLUMN recorded_at TIMESTAMPTZ, ADD COLUMN recorded_by TEXT;
ALTER TABLE destructions ALTER COLUMN recorded_at SET DEFAULT now(), ALTER COLUMN recorded_by SET DEFAULT session_user;

-- Each applied bundle's payload, exactly as its device signed it, and the signature.
CREATE TABLE consolidated_payloads (
    sha256       TEXT PRIMARY KEY,
    file_name    TEXT NOT NULL,
    device_id    TEXT NOT NULL REFERENCES centre_devices(device_id),
    payload      TEXT NOT NULL,
    signature    TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    received_by  TEXT NOT NULL DEFAULT session_user
);
-- Which records each payload holds, written by the server from the payload itself.
CREATE TABLE consolidated_payload_records (
    record_id TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    PRIMARY KEY (record_id, sha256)
);
-- A payload removed because it held a destroyed record: ids and hashes of its entries only.
CREATE TABLE consolidated_payloads_destroyed (
    sha256        TEXT PRIMARY KEY,
    file_name     TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    entries       TEXT NOT NULL,
    destroyed_for TEXT NOT NULL,
    destroyed_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    destroyed_by  TEXT NOT NULL DEFAULT session_user
);

CREATE OR REPLACE FUNCTION chisanpo_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM destruction_permits WHERE record_id = OLD.record_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'consolidated versions are immutable' USING ERRCODE = 'QC001';
END $$;

CREATE FUNCTION chisanpo_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'QC001';
END $$;

-- A device, once enrolled, keeps its id and its key, and is never removed.
CREATE FUNCTION chisanpo_keep_device() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'an enrolled device is never removed' USING ERRCODE = 'QC001';
    END IF;
    IF NEW.device_id IS DISTINCT FROM OLD.device_id OR NEW.public_key IS DISTINCT FROM OLD.public_key
       OR NEW.enrolled_by IS DISTINCT FROM OLD.enrolled_by THEN
        RAISE EXCEPTION 'an enrolled device keeps its id and its key' USING ERRCODE = 'QC001';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER centre_devices_keep_key BEFORE UPDATE OR DELETE ON centre_devices
    FOR EACH ROW EXECUTE FUNCTION chisanpo_keep_device();

-- A payload is removed only with a record it holds, under that record's destruction permit.
CREATE FUNCTION chisanpo_keep_payload() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM consolidated_payload_records r JOIN destruction_permits p ON p.record_id = r.record_id
                                    WHERE r.sha256 = OLD.sha256) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'signed payloads are kept as they arrived' USING ERRCODE = 'QC001';
END $$;
CREATE TRIGGER consolidated_payloads_kept BEFORE UPDATE OR DELETE ON consolidated_payloads
    FOR EACH ROW EXECUTE FUNCTION chisanpo_keep_payload();

CREATE FUNCTION chisanpo_index_payload() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    INSERT INTO consolidated_payload_records (record_id, sha256)
        SELECT DISTINCT e->>'record_id', NEW.sha256 FROM json_array_elements(NEW.payload::json->'entries') e
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER consolidated_payloads_index AFTER INSERT ON consolidated_payloads
    FOR EACH ROW EXECUTE FUNCTION chisanpo_index_payload();

-- A device's audit anchor only moves forward, and a flag is replaced, never cleared (ADR 0020).
CREATE FUNCTION chisanpo_keep_anchor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.device_id IS DISTINCT FROM OLD.device_id OR NEW.bundle_seq < OLD.bundle_seq
       OR (OLD.flagged IS NOT NULL AND NEW.flagged IS NULL) THEN
        RAISE EXCEPTION 'a device anchor only moves forward' USING ERRCODE = 'QC001';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER device_anchors_forward BEFORE UPDATE OR DELETE ON device_anchors
    FOR EACH ROW EXECUTE FUNCTION chisanpo_keep_anchor();

-- A bundle is recorded as applied only with its signed payload kept (so that a receipt saying
-- 届いた is never written for a bundle whose content is not here).
CREATE FUNCTION chisanpo_applied_with_payload() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.outcome = 'applied' AND (TG_OP = 'INSERT' OR OLD.outcome IS DISTINCT FROM 'applied' OR NEW.sha256 IS DISTINCT FROM OLD.sha256)
       AND NOT EXISTS (SELECT 1 FROM consolidated_payloads WHERE sha256 = NEW.sha256)
       AND NOT EXISTS (SELECT 1 FROM consolidated_payloads_destroyed WHERE sha256 = NEW.sha256) THEN
        RAISE EXCEPTION 'a bundle is applied only with its signed payload' USING ERRCODE = 'QC001';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER centre_bundles_applied_with_payload BEFORE INSERT OR UPDATE ON centre_bundles
    FOR EACH ROW EXECUTE FUNCTION chisanpo_applied_with_payload();

CREATE TRIGGER consolidated_destructions_append_only BEFORE UPDATE OR DELETE ON consolidated_destructions
    FOR EACH ROW EXECUTE FUNCTION chisanpo_append_only();
CREATE TRIGGER destructions_append_only BEFORE UPDATE OR DELETE ON destructions
    FOR EACH ROW EXECUTE FUNCTION chisanpo_append_only();
CREATE TRIGGER consolidated_payloads_destroyed_append_only BEFORE UPDATE OR DELETE ON consolidated_payloads_destroyed
    FOR EACH ROW EXECUTE FUNCTION chisanpo_append_only();
CREATE TRIGGER consolidated_payload_records_append_only BEFORE UPDATE OR DELETE ON consolidated_payload_records
    FOR EACH ROW EXECUTE FUNCTION chisanpo_append_only();
CREATE TRIGGER centre_devices_no_truncate BEFORE TRUNCATE ON centre_devices
    FOR EACH STATEMENT EXECUTE FUNCTION chisanpo_append_only();
CREATE TRIGGER consolidated_versions_no_truncate BEFORE TRUNCATE ON consolidated_versions
    FOR EACH STATEMENT EXECUTE FUNCTION chisanpo_append_only();
CREATE TRIGGER consolidated_destructions_no_truncate BEFORE TRUNCATE ON consolidated_destructions
    FOR EACH STATEMENT EXECUTE FUNCTION chisanpo_append_only();
CREATE TRIGGER destructions_no_truncate BEFORE TRUNCATE ON destructions
    FOR EACH STATEMENT EXECUTE FUNCTION chisanpo_append_only();
CREATE TRIGGER consolidated_payloads_no_truncate BEFORE TRUNCATE ON consolidated_payloads
    FOR EACH STATEMENT EXECUTE FUNCTION chisanpo_append_only();
CREATE TRIGGER consolidated_payloads_destroyed_no_truncate BEFORE TRUNCATE ON consolidated_payloads_destroyed
    FOR EACH STATEMENT EXECUTE FUNCTION chisanpo_append_only();
CREATE TRIGGER ledger_numbers_no_truncate BEFORE TRUNCATE ON ledger_numbers
    FOR EACH STATEMENT EXECUTE FUNCTION chisanpo_append_only();

-- The only way a coordinator deletes a version: after its 廃棄記録 is written, and at least
-- 5 years after the record first reached this server, by the server's clock. The payloads that
-- hold the record go with it (they hold its content), leaving ids and hashes.
CREATE FUNCTION chisanpo_destroy_record(p_record_id TEXT) RETURNS INTEGER LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    arrived TIMESTAMPTZ;
    removed INTEGER;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM destructions WHERE record_id = p_record_id) THEN
        RAISE EXCEPTION 'a record is destroyed only after its destruction record is written' USING ERRCODE = 'QC003';
    END IF;
    SELECT min(coalesce(received_at, imported_at::TIMESTAMPTZ)) INTO arrived FROM consolidated_versions WHERE record_id = p_record_id;
    IF arrived > now() - INTERVAL '5 years' THEN
        RAISE EXCEPTION 'the record reached this server less than five years ago' USING ERRCODE = 'QC002';
    END IF;
    INSERT INTO destruction_permits (record_id) VALUES (p_record_id);
    INSERT INTO consolidated_payloads_destroyed (sha256, file_name, device_id, entries, destroyed_for)
        SELECT p.sha256, p.file_name, p.device_id,
               coalesce((SELECT json_agg(json_build_array(e->>'entry_type', e->>'record_id', (e->>'version')::BIGINT, e->>'content_hash'))
                         FROM json_array_elements(p.payload::json->'entries') e), '[]'::json)::TEXT,
               p_record_id
        FROM consolidated_payloads p JOIN consolidated_payload_records r ON r.sha256 = p.sha256
        WHERE r.record_id = p_record_id;
    DELETE FROM consolidated_payloads p USING consolidated_payload_records r WHERE r.sha256 = p.sha256 AND r.record_id = p_record_id;
    DELETE FROM consolidated_versions WHERE record_id = p_record_id;
    GET DIAGNOSTICS removed = ROW_COUNT;
    DELETE FROM consolidated_latest WHERE record_id = p_record_id;
    DELETE FROM destruction_permits WHERE record_id = p_record_id;
    RETURN removed;
END $$;
REVOKE ALL ON FUNCTION chisanpo_destroy_record(TEXT) FROM PUBLIC;

-- What a coordinator's role may do: exactly what the import, enrolment, ledgers, retention and
-- the check issue. Run again by every migration that changes tables, and by the roles script.
CREATE FUNCTION chisanpo_grant_roles() RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chisanpo_coordinator') THEN
        RETURN;
    END IF;
    REVOKE ALL ON chisanpo_schema, centre_devices, consolidated_versions, consolidated_destructions, centre_bundles,
        consolidated_latest, ledger_numbers, destruction_permits, destructions, device_anchors, consolidated_payloads,
        consolidated_payload_records, consolidated_payloads_destroyed FROM chisanpo_coordinator;
    GRANT SELECT ON chisanpo_schema, centre_devices, consolidated_versions, consolidated_destructions, centre_bundles,
        consolidated_latest, ledger_numbers, destructions, device_anchors, consolidated_payloads,
        consolidated_payload_records, consolidated_payloads_destroyed TO chisanpo_coordinator;
    GRANT INSERT (device_id, public_key, label, enrolled_at) ON centre_devices TO chisanpo_coordinator;
    GRANT INSERT (record_id, version, content_hash, kind, device_id, content, reason, author_id, author_name, created_at, imported_at, bundle)
        ON consolidated_versions TO chisanpo_coordinator;
    GRANT INSERT (destruction_id, record_id, device_id, detail, imported_at, bundle) ON consolidated_destructions TO chisanpo_coordinator;
    GRANT INSERT (sha256, file_name, device_id, outcome, reason, code, entries, at, source) ON centre_bundles TO chisanpo_coordinator;
    GRANT UPDATE (device_id, outcome, reason, code, entries, at, source, receipt_at) ON centre_bundles TO chisanpo_coordinator;
    GRANT INSERT (record_id, version, content_hash, kind, performed_on, fiscal_year, place, doctor_id, workplace_id, device_id)
        ON consolidated_latest TO chisanpo_coordinator;
    GRANT UPDATE (version, content_hash, kind, performed_on, fiscal_year, place, doctor_id, workplace_id, device_id)
        ON consolidated_latest TO chisanpo_coordinator;
    GRANT INSERT (record_id, ledger, fiscal_year, number, assigned_at) ON ledger_numbers TO chisanpo_coordinator;
    GRANT INSERT (id, record_id, kind, fiscal_year, ledger_number, performed_on, retain_until, destroyed_at, destroyed_by, destroyed_by_name, reason)
        ON destructions TO chisanpo_coordinator;
    GRANT INSERT (device_id, bundle_seq, audit_seq, audit_hash, updated_at, flagged, flagged_at) ON device_anchors TO chisanpo_coordinator;
    GRANT UPDATE (bundle_seq, audit_seq, audit_hash, updated_at, flagged, flagged_at) ON device_anchors TO chisanpo_coordinator;
    GRANT INSERT (sha256, file_name, device_id, payload, signature, imported_at) ON consolidated_payloads TO chisanpo_coordinator;
    GRANT EXECUTE ON FUNCTION chisanpo_destroy_record(TEXT) TO chisanpo_coordinator;
END $$;
REVOKE ALL ON FUNCTION chisanpo_grant_roles() FROM PUBLIC;

-- Every function reads the tables of this schema only, never a temporary table of the caller's.
DO $$
DECLARE
    f TEXT;
BEGIN
    FOREACH f IN ARRAY ARRAY['chisanpo_refuse_change()', 'chisanpo_append_only()', 'chisanpo_keep_device()', 'chisanpo_keep_payload()',
                             'chisanpo_index_payload()', 'chisanpo_keep_anchor()', 'chisanpo_applied_with_payload()',
                             'chisanpo_destroy_record(text)', 'chisanpo_grant_roles()'] LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', f, current_schema());
    END LOOP;
END $$;

SELECT chisanpo_grant_roles();
"#;

pub struct PgConsolidation<'a> {
    client: Client,
    label: String,
    /// The centre's local store: its audit chain records every change made here.
    local: &'a Store,
}

impl std::fmt::Debug for PgConsolidation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConsolidation").field("database", &self.label).finish_non_exhaustive()
    }
}

/// `host:port/db` from a `postgres://user:password@host:port/db?…` URL: never the password.
pub fn label_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let rest = rest.rsplit_once('@').map(|(_, r)| r).unwrap_or(rest);
    rest.split('?').next().unwrap_or(rest).to_string()
}

pub(super) fn db_error(label: &str) -> impl Fn(postgres::Error) -> Error + '_ {
    move |e| {
        let code = e.code().map(|c| c.code().to_string()).unwrap_or_else(|| "接続".into());
        Error::delivery(DeliveryCode::Database, match code.as_str() {
            "42501" => format!(
                "共有データベース（{label}）が、このユーザーには許していない操作です（{code}）。データベース管理者に、このユーザーが {COORDINATOR} に属しているか確かめてもらってください（`chisanpo centre database-roles` の手順）。"
            ),
            "QC001" => format!(
                "共有データベース（{label}）が変更を拒みました（{code}）。登録済みの端末の鍵、集約した版、廃棄記録、署名付きの配送内容は、変更も削除もできません。データベースの内容を `chisanpo centre verify --database` で確かめ、データベース管理者に連絡してください。"
            ),
            "QC002" => format!(
                "共有データベース（{label}）のサーバーの時計では、この記録が届いてから5年たっていないため廃棄できません（{code}）。サーバーの時計と記録の実施日を確かめ、保存期間が過ぎてから廃棄してください。"
            ),
            _ => format!(
                "共有データベース（{label}）で処理できませんでした（{code}）。サーバーが動いているか、URL・ユーザー名・パスワード・権限を確かめてから、もう一度実行してください。取り込みは1ファイルずつ確定するため、途中までの分は失われません。"
            ),
        })
    }
}

/// The role that owns the tables and runs the migrations (NOLOGIN; ADR 0026).
pub const OWNER: &str = "chisanpo_owner";
/// The group role of the coordinators' login roles (NOLOGIN; ADR 0026).
pub const COORDINATOR: &str = "chisanpo_coordinator";

/// The tables of the consolidated store, for the roles script.
const TABLES: &[&str] = &[
    "chisanpo_schema",
    "centre_devices",
    "consolidated_versions",
    "consolidated_destructions",
    "centre_bundles",
    "consolidated_latest",
    "ledger_numbers",
    "destruction_permits",
    "destructions",
    "device_anchors",
    "consolidated_payloads",
    "consolidated_payload_records",
    "consolidated_payloads_destroyed",
    "consolidated_tombstone_seals",
    "consolidated_tombstones_before_seals",
    "chisanpo_centre",
    "centre_moves",
];

/// The SQL a centre's database administrator runs once, as a superuser, connected to the
/// centre's database (`chisanpo centre database-roles > roles.sql; psql -d chisanpo -f roles.sql`),
/// and again after an upgrade or to repair: the owner and coordinator roles, the schema's and the
/// database's rights, the tables made before ADR 0026 handed to the owner, every earlier direct
/// grant on them revoked, and the coordinator's rights set (`chisanpo_grant_roles`).
pub fn pg_roles_script() -> String {
    let tables = TABLES.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
    format!(
        r#"-- 地さんぽノート: the shared PostgreSQL's roles by job (docs/adr/0026-postgresql-roles-and-signed-rows.md).
-- Run as a superuser, connected to the centre's database:   psql -d chisanpo -v ON_ERROR_STOP=1 -f roles.sql
-- Safe to run again. Then, for each person:
--   CREATE ROLE coord_sato LOGIN PASSWORD '…' IN ROLE {COORDINATOR};   -- a coordinator
--   CREATE ROLE dba_suzuki LOGIN PASSWORD '…' IN ROLE {OWNER};         -- who upgrades the schema
-- and for a coordinator who leaves:   DROP ROLE coord_sato;   (or REVOKE {COORDINATOR} FROM coord_sato)
BEGIN;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{OWNER}') THEN
        CREATE ROLE {OWNER} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{COORDINATOR}') THEN
        CREATE ROLE {COORDINATOR} NOLOGIN;
    END IF;
END $$;
ALTER ROLE {OWNER} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE {COORDINATOR} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;

-- The database: only the two roles connect; nobody else creates schemas or temporary tables.
DO $$
DECLARE
    r RECORD;
BEGIN
    FOR r IN SELECT a.grantee FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = current_database()
             AND a.grantee <> d.datdba LOOP
        IF r.grantee = 0 THEN
            EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
        ELSE
            EXECUTE format('REVOKE ALL ON DATABASE %I FROM %s', current_database(), r.grantee::regrole);
        END IF;
    END LOOP;
    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO {OWNER}, {COORDINATOR}', current_database());
END $$;

-- The schema: the owner creates the tables, the coordinators only use them.
DO $$
DECLARE
    r RECORD;
BEGIN
    FOR r IN SELECT a.grantee FROM pg_namespace s, aclexplode(s.nspacl) a WHERE s.nspname = 'public' AND a.grantee <> s.nspowner LOOP
        IF r.grantee = 0 THEN
            REVOKE ALL ON SCHEMA public FROM PUBLIC;
        ELSE
            EXECUTE format('REVOKE ALL ON SCHEMA public FROM %s', r.grantee::regrole);
        END IF;
    END LOOP;
END $$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO {OWNER};
GRANT USAGE ON SCHEMA public TO {COORDINATOR};

-- Tables and functions made before ADR 0026 (by a coordinator's own role) go to the owner, and
-- every direct grant on them is revoked: the coordinators' rights come from {COORDINATOR} only.
DO $$
DECLARE
    r RECORD;
BEGIN
    FOR r IN SELECT c.oid::regclass::text AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname IN ({tables}) LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO {OWNER}', r.t);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure::text AS f FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND p.proname LIKE 'chisanpo\_%' LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO {OWNER}', r.f);
    END LOOP;
    FOR r IN SELECT DISTINCT c.oid::regclass::text AS t, a.grantee FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
             aclexplode(c.relacl) a
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname IN ({tables}) AND a.grantee <> c.relowner LOOP
        IF r.grantee = 0 THEN
            EXECUTE format('REVOKE ALL ON TABLE %s FROM PUBLIC', r.t);
        ELSE
            EXECUTE format('REVOKE ALL ON TABLE %s FROM %s', r.t, r.grantee::regrole);
        END IF;
    END LOOP;
    FOR r IN SELECT DISTINCT c.oid::regclass::text AS t, a.grantee FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_attribute at ON at.attrelid = c.oid, aclexplode(at.attacl) a
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname IN ({tables}) AND a.grantee <> c.relowner LOOP
        IF r.grantee = 0 THEN
            EXECUTE format('REVOKE ALL ON TABLE %s FROM PUBLIC', r.t);
        ELSE
            EXECUTE format('REVOKE ALL ON TABLE %s FROM %s', r.t, r.grantee::regrole);
        END IF;
    END LOOP;
    IF to_regprocedure('public.chisanpo_grant_roles()') IS NOT NULL THEN
        PERFORM public.chisanpo_grant_roles();
    END IF;
END $$;
COMMIT;
-- A database made before ADR 0026: connect once with a member of {OWNER} (any chisanpo command
-- with --database) to bring the schema up to date; the coordinators' rights follow.
"#
    )
}

impl<'a> PgConsolidation<'a> {
    /// Connect and bring the schema up to date. `local` is the centre's own (unlocked) store.
    /// A server whose certificate is signed by the centre's own CA needs that CA's certificate
    /// (PEM) in `CHISANPO_DATABASE_CA`.
    pub fn connect(url: &str, local: &'a Store) -> Result<Self> {
        let ca = std::env::var_os("CHISANPO_DATABASE_CA").filter(|v| !v.is_empty()).map(std::path::PathBuf::from);
        Self::connect_with_ca(url, local, ca.as_deref())
    }

    /// `connect`, with the CA certificate given.
    pub fn connect_with_ca(url: &str, local: &'a Store, ca: Option<&std::path::Path>) -> Result<Self> {
        let label = label_of(url);
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(Error::invalid("database", "データベースは postgres://ユーザー@ホスト/データベース名 の形で指定してください。"));
        }
        let mut client = super::pg_connect::connect(url, &label, ca)?;
        if let Some(found) = migrate(&mut client).map_err(|e| migrate_error(&label, e))? {
            return Err(Error::SchemaTooNew { found, known: MIGRATIONS.len() as u32 });
        }
        Ok(PgConsolidation { client, label, local })
    }

    /// Whether this connection is encrypted (TLS), as the server sees it.
    pub fn encrypted(&mut self) -> Result<bool> {
        let label = self.label.clone();
        let row = self.client.query_opt("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).map_err(db_error(&label))?;
        Ok(row.is_some_and(|r| r.get::<_, bool>(0)))
    }

    /// The connection, the database's label and the centre's own store, for the move
    /// (`super::move_to`).
    pub(super) fn parts(&mut self) -> (&mut Client, &str, &'a Store) {
        (&mut self.client, &self.label, self.local)
    }

    fn audit(&self, target: &str, detail: serde_json::Value) -> Result<()> {
        let mut detail = detail;
        detail["database"] = serde_json::Value::String(self.label.clone());
        self.local.write(|tx| self.local.audit(tx, Action::Edit, target, detail).map(|_| ()))
    }
}

/// The schema's version, without creating anything (0 for an empty database).
fn schema_version(client: &mut impl postgres::GenericClient) -> std::result::Result<i64, postgres::Error> {
    let exists: bool = client.query_one("SELECT to_regclass('chisanpo_schema') IS NOT NULL", &[])?.get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client.query_one("SELECT coalesce(max(version), 0)::BIGINT FROM chisanpo_schema", &[])?.get(0))
}

/// Bring the shared schema up to date, under the advisory lock. An up-to-date schema is only
/// read: a coordinator's role may create nothing (ADR 0026). Migrations run as `chisanpo_owner`
/// when the connecting role is a member of it, so that the owner owns what they create. A schema
/// newer than this binary knows (another coordinator runs a newer app) is left untouched and its
/// version returned: an older app must not write into tables it does not know.
fn migrate(client: &mut Client) -> std::result::Result<Option<u32>, postgres::Error> {
    migrate_to(client, MIGRATIONS.len())
}

/// `migrate`, up to the first `known` migrations only (the tests make an older schema with it).
pub(super) fn migrate_to(client: &mut Client, known: usize) -> std::result::Result<Option<u32>, postgres::Error> {
    let known = known.min(MIGRATIONS.len()) as i64;
    let version = schema_version(client)?;
    if version > known {
        return Ok(Some(u32::try_from(version).unwrap_or(u32::MAX)));
    }
    if version == known {
        return Ok(None);
    }
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])?;
    let as_owner: bool =
        tx.query_one("SELECT coalesce((SELECT pg_has_role(oid, 'MEMBER') FROM pg_roles WHERE rolname = $1), false) AND current_user <> $1", &[&OWNER])?.get(0);
    if as_owner {
        tx.batch_execute(&format!("SET LOCAL ROLE {OWNER}"))?;
    }
    tx.batch_execute("CREATE TABLE IF NOT EXISTS chisanpo_schema (version INTEGER NOT NULL)")?;
    let version = schema_version(&mut tx)?;
    if version > known {
        return Ok(Some(u32::try_from(version).unwrap_or(u32::MAX)));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().take(known as usize).skip(version as usize) {
        tx.batch_execute(sql)?;
        tx.execute("INSERT INTO chisanpo_schema (version) VALUES ($1)", &[&(i as i32 + 1)])?;
    }
    tx.commit()?;
    Ok(None)
}

/// A migration this role may not run says who can.
fn migrate_error(label: &str, e: postgres::Error) -> Error {
    if e.code().is_some_and(|c| c.code() == "42501") {
        return Error::delivery(DeliveryCode::Database, format!(
            "共有データベース（{label}）の表を作るか新しくする必要がありますが、このユーザーには権限がありません（42501）。データベース管理者が、{OWNER} に属するユーザーで一度接続してください（`chisanpo centre database-roles` で表示される手順）。それまでこのデータベースは使えません。"
        ));
    }
    db_error(label)(e)
}

impl Consolidation for PgConsolidation<'_> {
    fn describe(&self) -> String {
        format!("共有データベース {}", self.label)
    }

    fn enrol_device(&mut self, req: &EnrolmentRequest, at: &str) -> Result<bool> {
        let label = self.label.clone();
        let err = db_error(&label);
        let mut tx = self.client.transaction().map_err(&err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK]).map_err(&err)?;
        let known = tx.query_opt("SELECT public_key FROM centre_devices WHERE device_id = $1", &[&req.device_id]).map_err(&err)?;
        match known.map(|r| r.get::<_, String>(0)) {
            Some(k) if k == req.public_key => return Ok(false),
            Some(_) => return Err(super::sqlite::other_key(&req.device_id)),
            None => {}
        }
        tx.execute(
            "INSERT INTO centre_devices (device_id, public_key, label, enrolled_at) VALUES ($1, $2, $3, $4)",
            &[&req.device_id, &req.public_key, &req.label, &at],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)?;
        self.audit(&req.device_id, serde_json::json!({ "delivery": "enrol_device", "public_key": req.public_key }))?;
        Ok(true)
    }

    fn devices(&mut self) -> Result<Vec<EnrolledDevice>> {
        let label = self.label.clone();
        let rows = self
            .client
            .query(
                "SELECT d.device_id, d.public_key, d.label, d.enrolled_at, a.flagged FROM centre_devices d \
                 LEFT JOIN device_anchors a ON a.device_id = d.device_id ORDER BY d.enrolled_at, d.device_id",
                &[],
            )
            .map_err(db_error(&label))?;
        Ok(rows
            .iter()
            .map(|r| EnrolledDevice { device_id: r.get(0), public_key: r.get(1), label: r.get(2), enrolled_at: r.get(3), flagged: r.get(4) })
            .collect())
    }

    fn device_key(&mut self, device_id: &str) -> Result<Option<String>> {
        let label = self.label.clone();
        Ok(self.client.query_opt("SELECT public_key FROM centre_devices WHERE device_id = $1", &[&device_id]).map_err(db_error(&label))?.map(|r| r.get(0)))
    }

    fn seen(&mut self, sha256: &str) -> Result<Option<String>> {
        let label = self.label.clone();
        Ok(self.client.query_opt("SELECT outcome FROM centre_bundles WHERE sha256 = $1", &[&sha256]).map_err(db_error(&label))?.map(|r| r.get(0)))
    }

    fn kept_payload(&mut self, sha256: &str) -> Result<KeptPayload> {
        let label = self.label.clone();
        let row = self
            .client
            .query_one(
                "SELECT (SELECT payload FROM consolidated_payloads WHERE sha256 = $1), t.device_id, t.entries, t.destroyed_for, \
                 s.signing_key, s.signature, extract(epoch FROM s.sealed_at)::FLOAT8, \
                 EXISTS (SELECT 1 FROM consolidated_tombstones_before_seals b WHERE b.sha256 = $1) \
                 FROM (SELECT 1) x LEFT JOIN consolidated_payloads_destroyed t ON t.sha256 = $1 LEFT JOIN consolidated_tombstone_seals s ON s.sha256 = $1",
                &[&sha256],
            )
            .map_err(db_error(&label))?;
        if let Some(t) = row.get::<_, Option<String>>(0) {
            return Ok(KeptPayload::Text(t));
        }
        let (Some(device_id), Some(entries), Some(destroyed_for)) =
            (row.get::<_, Option<String>>(1), row.get::<_, Option<String>>(2), row.get::<_, Option<String>>(3))
        else {
            return Ok(KeptPayload::Nothing);
        };
        let sealed = match (row.get::<_, Option<&str>>(4), row.get::<_, Option<&str>>(5), row.get::<_, Option<f64>>(6)) {
            (Some(key), Some(sig), Some(at)) => {
                proof::seal_holds(&proof::signing_keys(self.local)?, &proof::seal_message(sha256, &device_id, &entries, &destroyed_for), key, sig, at)
            }
            _ => false,
        };
        Ok(KeptPayload::Removed { device_id, entries, trusted: sealed || row.get::<_, bool>(7) })
    }

    fn applied_files(&mut self) -> Result<HashMap<String, String>> {
        let label = self.label.clone();
        let rows = self.client.query("SELECT file_name, sha256 FROM centre_bundles WHERE outcome = 'applied'", &[]).map_err(db_error(&label))?;
        Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn apply(&mut self, bundle: &Checked, file: &str, sha256: &str, source: &str, at: &str) -> Result<Applied> {
        let payload = &bundle.payload;
        let label = self.label.clone();
        let err = db_error(&label);
        let mut tx = self.client.transaction().map_err(&err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK]).map_err(&err)?;
        // The payload as the device signed it, so that every row below can be checked again.
        let n = tx
            .execute(
                "INSERT INTO consolidated_payloads (sha256, file_name, device_id, payload, signature, imported_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (sha256) DO NOTHING",
                &[&sha256, &file, &payload.device_id, &bundle.text, &bundle.signature, &at],
            )
            .map_err(&err)?;
        if n == 0 {
            let kept: String = tx.query_one("SELECT payload FROM consolidated_payloads WHERE sha256 = $1", &[&sha256]).map_err(&err)?.get(0);
            if kept != bundle.text {
                return Err(other_payload(file, &self.label));
            }
        }
        let mut a = Applied::default();
        for e in payload.entries.iter().filter(|e| e.entry_type == "destruction") {
            a.destructions += tx
                .execute(
                    "INSERT INTO consolidated_destructions (destruction_id, record_id, device_id, detail, imported_at, bundle) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                    &[&destruction_id(&e.content, &e.content_hash), &e.record_id, &payload.device_id, &e.content, &at, &file],
                )
                .map_err(&err)? as usize;
        }
        // The versions, a statement for the whole bundle (ADR 0030): the ones already here are
        // skipped, and the ones added come back.
        let versions: Vec<&Entry> = payload.entries.iter().filter(|e| e.entry_type != "destruction").collect();
        // The columns of every version are read from its content on the other core while the
        // server inserts them; those of the versions added are kept.
        let (added, mut columns) = std::thread::scope(|s| {
            let columns = s.spawn(|| versions.iter().map(|e| Some(Columns::of(e))).collect::<Vec<_>>());
            let added = batch::insert_versions(&mut tx, &versions, &payload.device_id, at, file);
            (added, columns.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
        });
        let added = added.map_err(&err)?;
        a.added = added.len();
        a.present = versions.len() - added.len();
        let added: Vec<(&Entry, Columns)> = added.into_iter().map(|i| (versions[i], columns[i].take().expect("each index once"))).collect();
        batch::note_latest(&mut tx, &added, &payload.device_id).map_err(&err)?;
        batch::number(&mut tx, &added, at).map_err(&err)?;
        let entries = (a.added + a.destructions) as i64;
        tx.execute(
            "INSERT INTO centre_bundles (sha256, file_name, device_id, outcome, reason, entries, at, source, code) VALUES ($1, $2, $3, 'applied', NULL, $4, $5, $6, NULL) \
             ON CONFLICT (sha256) DO UPDATE SET device_id = excluded.device_id, outcome = 'applied', reason = NULL, entries = excluded.entries, \
             at = excluded.at, source = excluded.source, code = NULL, receipt_at = NULL",
            &[&sha256, &file, &payload.device_id, &entries, &at, &source],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)?;
        self.audit(file, serde_json::json!({ "delivery": "import_applied", "sha256": sha256, "device_id": payload.device_id, "entries": entries }))?;
        Ok(a)
    }

    fn refuse(&mut self, file: &str, sha256: &str, source: &str, device: Option<&str>, refusal: &Refusal, at: &str) -> Result<()> {
        let label = self.label.clone();
        let n = self
            .client
            .execute(
                "INSERT INTO centre_bundles (sha256, file_name, device_id, outcome, reason, entries, at, source, code) VALUES ($1, $2, $3, 'quarantined', $4, 0, $5, $6, $7) \
                 ON CONFLICT (sha256) DO NOTHING",
                &[&sha256, &file, &device, &refusal.message(), &at, &source, &refusal.code()],
            )
            .map_err(db_error(&label))?;
        if n == 1 {
            self.audit(file, serde_json::json!({ "delivery": "import_quarantined", "sha256": sha256, "device_id": device, "entries": 0 }))?;
        }
        Ok(())
    }

    fn pending_receipts(&mut self, source: &str, also: &[String]) -> Result<Vec<ReceiptRow>> {
        let label = self.label.clone();
        let rows = self
            .client
            .query(
                "SELECT sha256, file_name, device_id, outcome, code, reason, at FROM centre_bundles \
                 WHERE (receipt_at IS NULL AND source = $1) OR sha256 = ANY($2) ORDER BY at, file_name",
                &[&source, &also],
            )
            .map_err(db_error(&label))?;
        Ok(rows
            .iter()
            .map(|r| ReceiptRow {
                sha256: r.get(0),
                file_name: r.get(1),
                device_id: r.get(2),
                outcome: r.get(3),
                code: r.get(4),
                reason: r.get(5),
                at: r.get(6),
            })
            .collect())
    }

    fn receipt_written(&mut self, sha256: &str, at: &str) -> Result<()> {
        let label = self.label.clone();
        self.client.execute("UPDATE centre_bundles SET receipt_at = $2 WHERE sha256 = $1", &[&sha256, &at]).map_err(db_error(&label))?;
        Ok(())
    }

    fn device_anchor(&mut self, device_id: &str) -> Result<Option<DeviceAnchor>> {
        let label = self.label.clone();
        let row = self
            .client
            .query_opt("SELECT bundle_seq, audit_seq, audit_hash FROM device_anchors WHERE device_id = $1", &[&device_id])
            .map_err(db_error(&label))?;
        Ok(row.map(|r| DeviceAnchor { bundle_seq: r.get::<_, i64>(0) as u64, head: AuditHead { seq: r.get(1), hash: r.get(2) } }))
    }

    fn keep_device_anchor(&mut self, device_id: &str, anchor: &DeviceAnchor, flag: Option<&str>, at: &str) -> Result<()> {
        let label = self.label.clone();
        let err = db_error(&label);
        let mut tx = self.client.transaction().map_err(&err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK]).map_err(&err)?;
        tx.execute(
            "INSERT INTO device_anchors (device_id, bundle_seq, audit_seq, audit_hash, updated_at, flagged, flagged_at) \
             VALUES ($1, $2, $3, $4, $5, $6::TEXT, CASE WHEN $6::TEXT IS NULL THEN NULL ELSE $5 END) \
             ON CONFLICT (device_id) DO UPDATE SET bundle_seq = excluded.bundle_seq, audit_seq = excluded.audit_seq, audit_hash = excluded.audit_hash, \
               updated_at = excluded.updated_at, flagged = coalesce(excluded.flagged, device_anchors.flagged), \
               flagged_at = coalesce(excluded.flagged_at, device_anchors.flagged_at) \
             WHERE excluded.bundle_seq > device_anchors.bundle_seq",
            &[&device_id, &(anchor.bundle_seq as i64), &anchor.head.seq, &anchor.head.hash, &at, &flag],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(())
    }

    fn conflicted(&mut self, record_id: &str) -> Result<bool> {
        let label = self.label.clone();
        Ok(self
            .client
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM consolidated_versions WHERE record_id = $1 GROUP BY version HAVING count(DISTINCT content_hash) > 1) \
                 OR EXISTS (SELECT 1 FROM consolidated_versions v JOIN consolidated_latest l ON l.record_id = v.record_id \
                            WHERE v.record_id = $1 AND v.device_id <> l.device_id)",
                &[&record_id],
            )
            .map_err(db_error(&label))?
            .get(0))
    }

    fn counts(&mut self, limit: usize) -> Result<crate::store::consolidated::CentreCounts> {
        let label = self.label.clone();
        let err = db_error(&label);
        let row = self
            .client
            .query_one(
                "SELECT (SELECT count(*) FROM centre_devices), (SELECT count(*) FROM consolidated_latest), \
                   (SELECT count(DISTINCT record_id) FROM (SELECT record_id FROM consolidated_versions GROUP BY record_id, version \
                      HAVING count(DISTINCT content_hash) > 1) c), \
                   (SELECT count(*) FROM centre_bundles WHERE outcome = 'applied'), (SELECT count(*) FROM centre_bundles WHERE outcome = 'quarantined')",
                &[],
            )
            .map_err(&err)?;
        let quarantined = self
            .client
            .query(
                "SELECT file_name, coalesce(reason, ''), code FROM centre_bundles WHERE outcome = 'quarantined' ORDER BY at DESC LIMIT $1",
                &[&(limit as i64)],
            )
            .map_err(&err)?
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        Ok(crate::store::consolidated::CentreCounts {
            devices: row.get(0),
            records: row.get(1),
            needs_review: row.get(2),
            bundles_applied: row.get(3),
            quarantined_total: row.get(4),
            quarantined,
        })
    }

    fn conflicted_among(&mut self, ids: &[&str]) -> Result<HashSet<String>> {
        let label = self.label.clone();
        batch::conflicted_among(&mut self.client, ids).map_err(db_error(&label))
    }

    fn records(&mut self) -> Result<Vec<ConsolidatedRecord>> {
        let label = self.label.clone();
        let err = db_error(&label);
        let rows = self
            .client
            .query(
                "SELECT record_id, kind, version, device_id, content FROM consolidated_versions ORDER BY record_id, version DESC, imported_at, device_id",
                &[],
            )
            .map_err(&err)?;
        let mut out = group_records(rows.iter().map(|r| (r.get(0), r.get(1), r.get::<_, i32>(2) as u32, r.get(3), r.get(4))));
        let conflicted: std::collections::HashSet<String> = self
            .client
            .query("SELECT DISTINCT record_id FROM consolidated_versions GROUP BY record_id, version HAVING count(DISTINCT content_hash) > 1", &[])
            .map_err(&err)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let destroyed: std::collections::HashSet<String> =
            self.client.query("SELECT DISTINCT record_id FROM consolidated_destructions", &[]).map_err(&err)?.iter().map(|r| r.get(0)).collect();
        for r in &mut out {
            r.needs_review = conflicted.contains(&r.id);
            r.review = r.needs_review.then(|| "要確認".to_string());
            r.destroyed_on_device = destroyed.contains(&r.id);
        }
        newest_first(&mut out);
        Ok(out)
    }

    fn retention_due(&mut self, today: Date) -> Result<Vec<RetentionItem>> {
        let label = self.label.clone();
        let rows = self
            .client
            .query(
                "SELECT l.record_id, l.kind, coalesce(n.fiscal_year, l.fiscal_year), n.number, l.performed_on, \
                 (SELECT min(imported_at) FROM consolidated_versions v WHERE v.record_id = l.record_id) \
                 FROM consolidated_latest l LEFT JOIN ledger_numbers n ON n.record_id = l.record_id",
                &[],
            )
            .map_err(db_error(&label))?;
        let mut out: Vec<RetentionItem> = rows
            .iter()
            .map(|r| {
                let arrived: Option<String> = r.get(5);
                let mut i = retention_item(r.get(0), r.get(1), r.get(2), r.get::<_, Option<i32>>(3).map(|n| n as u32), r.get(4), arrived.clone());
                i.held = arrived_too_recently(arrived.as_deref(), today);
                i
            })
            .filter(|i| i.retain_until < today)
            .collect();
        out.sort_by(|a, b| (a.retain_until, &a.record_id).cmp(&(b.retain_until, &b.record_id)));
        Ok(out)
    }

    fn destroy(&mut self, ids: &[String], reason: &str, today: Date) -> Result<Vec<DestructionRecord>> {
        let reason = check_destroy_request(ids, reason)?;
        let due: std::collections::BTreeMap<String, RetentionItem> =
            self.retention_due(today.min(crate::store::today()))?.into_iter().map(|i| (i.record_id.clone(), i)).collect();
        let missing: Vec<&String> = ids.iter().filter(|id| !due.contains_key(*id)).collect();
        if !missing.is_empty() {
            return Err(Error::StillRetained { count: missing.len(), until: "保存期間中か、共有データベースにない記録です".into() });
        }
        let held: Vec<String> = ids
            .iter()
            .filter_map(|id| due[id].held.as_ref().map(|why| format!("・ID {id}: {why}")))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if !held.is_empty() {
            return Err(Error::RetentionHeld { count: held.len(), detail: held.join("\n") });
        }
        let label = self.label.clone();
        let err = db_error(&label);
        let actor = self.local.actor().clone();
        let now = crate::store::now();
        let (centre_id, signing) = self.local.write(|tx| Ok((crate::enrol::require_centre(tx)?.0, crate::rotate::receipt_key(tx)?)))?;
        let mut tx = self.client.transaction().map_err(&err)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK]).map_err(&err)?;
        let mut out = Vec::new();
        for id in ids.iter().collect::<std::collections::BTreeSet<_>>() {
            let it = &due[id];
            let d = DestructionRecord::of(it, crate::store::new_id(), &actor.id, &actor.name, reason, &now);
            tx.execute(
                "INSERT INTO destructions (id, record_id, kind, fiscal_year, ledger_number, performed_on, retain_until, destroyed_at, destroyed_by, destroyed_by_name, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                &[
                    &d.id,
                    &d.record_id,
                    &d.kind.as_str(),
                    &d.fiscal_year,
                    &d.ledger_number.map(|n| n as i32),
                    &d.performed_on.map(|p| p.iso()),
                    &it.retain_until.iso(),
                    &d.destroyed_at,
                    &d.destroyed_by,
                    &d.destroyed_by_name,
                    &d.reason,
                ],
            )
            .map_err(&err)?;
            // Every payload the record's destruction removes is checked first: its tombstone,
            // sealed below, then vouches for the other records' versions it held.
            let checked = check_payloads_of(&mut tx, &centre_id, id, &label)?;
            // The 廃棄記録 first: the database deletes the versions (and the payloads holding
            // them) only after it, and only 5 years after the record reached it (ADR 0026).
            tx.execute("SELECT chisanpo_destroy_record($1)", &[id]).map_err(&err)?;
            for r in tx.query("SELECT sha256, device_id, entries FROM consolidated_payloads_destroyed WHERE destroyed_for = $1", &[id]).map_err(&err)? {
                let (sha, device, entries): (&str, &str, &str) = (r.get(0), r.get(1), r.get(2));
                if checked.iter().any(|c| c == sha) {
                    let signature = signing.sign_in(crate::keys::domain::TOMBSTONE, &proof::seal_message(sha, device, entries, id));
                    tx.execute(
                        "INSERT INTO consolidated_tombstone_seals (sha256, signing_key, signature) VALUES ($1, $2, $3)",
                        &[&sha, &signing.public_hex(), &signature],
                    )
                    .map_err(&err)?;
                }
            }
            out.push(d);
        }
        tx.commit().map_err(&err)?;
        for d in &out {
            self.audit(
                &d.record_id,
                serde_json::json!({ "delivery": "destroy", "kind": d.kind.as_str(), "ledger_number": d.ledger_number, "destruction_id": d.id }),
            )?;
        }
        Ok(out)
    }

    fn check_proofs(&mut self) -> Result<ProofCheck> {
        use postgres::fallible_iterator::FallibleIterator;
        let (centre_id, _) = self.local.read(crate::enrol::require_centre)?;
        let label = self.label.clone();
        let err = db_error(&label);
        let none: [&(dyn ToSql + Sync); 0] = [];
        // One snapshot of the whole database, read row by row (payloads may be large).
        let mut tx = self.client.build_transaction().isolation_level(postgres::IsolationLevel::RepeatableRead).read_only(true).start().map_err(&err)?;
        let devices = tx.query("SELECT device_id, public_key, enrolled_by FROM centre_devices", &[]).map_err(&err)?;
        let mut prover = Prover::new(centre_id, devices.iter().map(|r| (r.get(0), r.get(1), r.get(2))));
        {
            let mut rows = tx.query_raw("SELECT file_name, device_id, payload, signature FROM consolidated_payloads ORDER BY sha256", none).map_err(&err)?;
            while let Some(r) = rows.next().map_err(&err)? {
                prover.payload(r.get(0), r.get(1), r.get(2), r.get(3));
            }
        }
        let signing_keys = proof::signing_keys(self.local)?;
        for r in tx
            .query(
                "SELECT t.sha256, t.file_name, t.device_id, t.entries, t.destroyed_for, extract(epoch FROM t.destroyed_at)::FLOAT8, t.destroyed_by, \
                 s.signing_key, s.signature, extract(epoch FROM s.sealed_at)::FLOAT8, \
                 EXISTS (SELECT 1 FROM consolidated_tombstones_before_seals b WHERE b.sha256 = t.sha256) \
                 FROM consolidated_payloads_destroyed t LEFT JOIN consolidated_tombstone_seals s ON s.sha256 = t.sha256",
                &[],
            )
            .map_err(&err)?
        {
            let (sha, device, entries, destroyed_for): (&str, &str, &str, &str) = (r.get(0), r.get(2), r.get(3), r.get(4));
            let sealed = match (r.get::<_, Option<&str>>(7), r.get::<_, Option<&str>>(8), r.get::<_, Option<f64>>(9)) {
                (Some(key), Some(sig), Some(at)) => proof::seal_holds(&signing_keys, &proof::seal_message(sha, device, entries, destroyed_for), key, sig, at),
                _ => false,
            };
            let tombstone = if sealed || r.get::<_, bool>(10) { Tombstone::Trusted } else { Tombstone::Unsealed { file: r.get(1), destroyed_by: r.get(6) } };
            prover.removed_payload(device, entries, r.get(5), tombstone);
        }
        {
            let mut rows = tx
                .query_raw(
                    "SELECT record_id, version, content_hash, kind, device_id, content, reason, author_id, author_name, created_at, imported_at, \
                     extract(epoch FROM received_at)::FLOAT8, received_by FROM consolidated_versions ORDER BY record_id, version",
                    none,
                )
                .map_err(&err)?;
            while let Some(r) = rows.next().map_err(&err)? {
                let received: Option<f64> = r.get(11);
                let imported: &str = r.get(10);
                prover.version(VersionRow {
                    record_id: r.get(0),
                    version: r.get::<_, i32>(1) as u32,
                    content_hash: r.get(2),
                    kind: r.get(3),
                    device_id: r.get(4),
                    content: r.get(5),
                    reason: r.get(6),
                    author_id: r.get(7),
                    author_name: r.get(8),
                    created_at: r.get(9),
                    arrived: received.unwrap_or_else(|| seconds_of(imported)),
                    received_by: r.get(12),
                    // Only rows from before migration 4 lack the server's time: a coordinator's role
                    // cannot write that column.
                    before_proofs: received.is_none(),
                });
            }
        }
        for r in tx.query("SELECT destruction_id, record_id, device_id, detail, received_at IS NULL FROM consolidated_destructions", &[]).map_err(&err)? {
            prover.destruction(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
        }
        for r in tx.query("SELECT record_id, version, content_hash, device_id FROM consolidated_latest", &[]).map_err(&err)? {
            prover.latest(r.get(0), r.get::<_, i32>(1) as u32, r.get(2), r.get(3));
        }
        tx.commit().map_err(&err)?;
        prover.finish(
            self.local,
            "共有データベースの集約した記録が、取り込み以外の方法で書き換えられています。データベース管理者に、各ユーザーの権限（`chisanpo centre database-roles`）と、名前の出たデータベースのユーザーを確かめてもらい、名前の出た記録はそれを作った端末の記録と照らし合わせてください。",
        )
    }
}

impl ReportSource for PgConsolidation<'_> {
    fn ledger(&mut self, kind: LedgerKind, filter: &LedgerFilter) -> Result<Ledger> {
        let label = self.label.clone();
        let (sql, args) = ledger_query(kind, filter);
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        let rows = self.client.query(&sql, &params).map_err(db_error(&label))?;
        let mut entries = Vec::with_capacity(rows.len());
        for r in rows {
            let version = r.get::<_, i32>(3) as u32;
            let content: VersionContent = serde_json::from_str(r.get::<_, &str>(4)).map_err(|e| Error::from_json(&e))?;
            entries.push(LedgerEntry { record_id: r.get(0), fiscal_year: r.get(1), number: r.get::<_, i32>(2) as u32, version, amended: version > 1, content });
        }
        Ok(Ledger { kind, filter: filter.clone(), entries })
    }

    fn annual_rows(&mut self, fiscal_year: i32) -> Result<Option<Vec<AnnualRow>>> {
        let label = self.label.clone();
        let rows = self.client.query(ANNUAL_ROWS, &[&fiscal_year]).map_err(db_error(&label))?;
        Ok(Some(rows.iter().map(|r| AnnualRow { id: r.get(0), performed_on: r.get(1), place: r.get(2), doctor_id: r.get(3), content: r.get(4) }).collect()))
    }
}

/// The 台帳 query and its arguments: the current version of each numbered record of `kind`.
/// Each record's number is looked up by its id (`OFFSET 0` keeps the lookup a subquery): joined
/// plainly, the planner read every year's numbers to hash them, and the 台帳 of one year grew with
/// the years held (520,000 numbers: 740 → 311 ms for one year's interviews).
fn ledger_query(kind: LedgerKind, filter: &LedgerFilter) -> (String, Vec<String>) {
    let mut args: Vec<String> = vec![kind.as_str().to_string()];
    let mut sql = String::from(
        // A visit's photos (its snapshot's JPEGs) are left out: the ledger and the counts never print them.
        "SELECT l.record_id, n.fiscal_year, n.number, l.version, \
         CASE WHEN l.kind = 'visit' THEN (v.content::jsonb #- '{snapshot,photos}')::text ELSE v.content END FROM consolidated_latest l \
         CROSS JOIN LATERAL (SELECT x.fiscal_year, x.number FROM ledger_numbers x WHERE x.record_id = l.record_id OFFSET 0) n \
         JOIN consolidated_versions v ON v.record_id = l.record_id AND v.version = l.version AND v.content_hash = l.content_hash \
         WHERE l.kind = $1",
    );
    for (col, v) in filter.rows().conditions() {
        args.push(v);
        sql.push_str(&format!(" AND l.{col} ${}", args.len()));
    }
    sql.push_str(" ORDER BY n.fiscal_year, n.number");
    (sql, args)
}

/// The annual report's rows of a fiscal year: the current version of each consultation and
/// interview.
const ANNUAL_ROWS: &str = "SELECT l.record_id, l.performed_on, l.place, l.doctor_id, v.content FROM consolidated_latest l \
     JOIN consolidated_versions v ON v.record_id = l.record_id AND v.version = l.version AND v.content_hash = l.content_hash \
     WHERE l.fiscal_year = $1 AND l.kind IN ('consultation', 'interview')";

impl PgConsolidation<'_> {
    /// The server's plans (`EXPLAIN ANALYZE`) for the fiscal year's 台帳 of `kind` and for the
    /// annual report's rows, as the reports run them: for the benchmark and for the operators'
    /// guide (docs/centre-postgresql.md), to show that both stay index scans as the years grow.
    pub fn explain_reports(&mut self, kind: LedgerKind, fiscal_year: i32) -> Result<(String, String)> {
        let label = self.label.clone();
        let plan = |client: &mut Client, sql: &str, args: &[&(dyn ToSql + Sync)]| -> Result<String> {
            let rows = client.query(&format!("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) {sql}"), args).map_err(db_error(&label))?;
            Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect::<Vec<_>>().join("\n"))
        };
        let (sql, args) = ledger_query(kind, &LedgerFilter { fiscal_year: Some(fiscal_year), ..Default::default() });
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a as &(dyn ToSql + Sync)).collect();
        let ledger = plan(&mut self.client, &sql, &params)?;
        let annual = plan(&mut self.client, ANNUAL_ROWS, &[&fiscal_year])?;
        Ok((ledger, annual))
    }

    /// The centres whose records this database holds: the one a move recorded, or else those
    /// the kept payloads name (a few are enough to tell). Empty: a database with no records.
    pub fn centres_held(&mut self) -> Result<Vec<String>> {
        let label = self.label.clone();
        let err = db_error(&label);
        if let Some(r) = self.client.query_opt("SELECT centre_id FROM chisanpo_centre", &[]).map_err(&err)? {
            return Ok(vec![r.get(0)]);
        }
        let rows = self.client.query("SELECT DISTINCT payload::jsonb->>'centre_id' FROM consolidated_payloads LIMIT 3", &[]).map_err(&err)?;
        Ok(rows.iter().filter_map(|r| r.get::<_, Option<String>>(0)).collect())
    }

    /// The database's size on disk, in bytes (`pg_database_size`).
    pub fn database_size(&mut self) -> Result<i64> {
        let label = self.label.clone();
        Ok(self.client.query_one("SELECT pg_database_size(current_database())", &[]).map_err(db_error(&label))?.get(0))
    }
}

/// Check every kept payload that holds `record_id` (about to be removed with it): signed by its
/// device's enrolled key, for this centre, each entry's content matching its hash. Returns their
/// SHA-256s; refuses the destruction when one does not check.
fn check_payloads_of(tx: &mut postgres::Transaction, centre_id: &str, record_id: &str, label: &str) -> Result<Vec<String>> {
    let rows = tx
        .query(
            "SELECT p.sha256, p.file_name, p.device_id, p.payload, p.signature, d.public_key FROM consolidated_payloads p \
             JOIN consolidated_payload_records r ON r.sha256 = p.sha256 LEFT JOIN centre_devices d ON d.device_id = p.device_id WHERE r.record_id = $1",
            &[&record_id],
        )
        .map_err(db_error(label))?;
    let mut out = Vec::new();
    for r in rows {
        let (sha, file, device, text, signature, key): (String, &str, &str, &str, &str, Option<&str>) =
            (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5));
        let good = key.is_some_and(|k| crate::keys::verify(k, text.as_bytes(), signature))
            && serde_json::from_str::<crate::bundle::Payload>(text).is_ok_and(|p| {
                p.device_id == device
                    && p.centre_id == centre_id
                    && p.entries.iter().all(|e| crate::store::audit::sha256_hex(e.content.as_bytes()) == e.content_hash)
            });
        if !good {
            return Err(Error::delivery(DeliveryCode::PayloadMismatch, format!(
                "記録 {record_id} を含む配送ファイル {file} の署名付き内容が、端末の鍵で確かめられません（データベースで書き換えられています）。廃棄は行っていません。`chisanpo centre verify --database` で確かめ、データベース管理者に連絡してください。"
            )));
        }
        out.push(sha);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_never_holds_the_password() {
        assert_eq!(label_of("postgres://centre:s3cret@db.example.jp:5432/chisanpo?sslmode=disable"), "db.example.jp:5432/chisanpo");
        assert_eq!(label_of("postgresql://127.0.0.1/x"), "127.0.0.1/x");
    }
}
