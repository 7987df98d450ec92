-- 0011: 訪問指導・職場巡視 as a record kind with its own 台帳 (issue 16).
--
-- SQLite cannot change a CHECK constraint, so `records` and `ledger_numbers` are rebuilt with
-- 'visit' allowed, as https://www.sqlite.org/lang_altertable.html#otheralter describes: new
-- table, copy, drop, rename, then the indexes and triggers again. The migration runner turns
-- foreign keys off around this migration and runs `PRAGMA foreign_key_check` before it commits
-- (schema.rs). The rows, including every finalised version's record row, are copied unchanged.

CREATE TABLE records_new (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('application', 'consultation', 'interview', 'visit')),
    status         TEXT NOT NULL CHECK (status IN ('draft', 'final')),
    version        INTEGER NOT NULL DEFAULT 0,
    performed_on   TEXT,
    fiscal_year    INTEGER,
    place          TEXT,
    workplace_id   TEXT REFERENCES workplaces(id),
    worker_id      TEXT REFERENCES workers(id),
    doctor_id      TEXT REFERENCES staff(id),
    draft          TEXT,
    draft_saved_at TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    finalised_at   TEXT,
    amended_at     TEXT,
    retain_until   TEXT
) STRICT;

INSERT INTO records_new (id, kind, status, version, performed_on, fiscal_year, place, workplace_id, worker_id, doctor_id,
                         draft, draft_saved_at, created_at, created_by, updated_at, finalised_at, amended_at, retain_until)
SELECT id, kind, status, version, performed_on, fiscal_year, place, workplace_id, worker_id, doctor_id,
       draft, draft_saved_at, created_at, created_by, updated_at, finalised_at, amended_at, retain_until
FROM records;

DROP TABLE records;
ALTER TABLE records_new RENAME TO records;

CREATE INDEX records_kind_year ON records (kind, fiscal_year, performed_on);
CREATE INDEX records_year ON records (fiscal_year, performed_on);
CREATE INDEX records_updated ON records (updated_at);
CREATE INDEX records_performed ON records (performed_on);
CREATE INDEX records_workplace ON records (workplace_id, performed_on);
CREATE INDEX records_worker ON records (worker_id, performed_on);
CREATE INDEX records_doctor ON records (doctor_id, fiscal_year);
CREATE INDEX records_drafts ON records (draft_saved_at) WHERE draft IS NOT NULL;
CREATE INDEX records_open ON records (kind, status, performed_on, worker_id, fiscal_year, id) WHERE status = 'draft';

CREATE TRIGGER records_final_kept BEFORE DELETE ON records
WHEN OLD.status = 'final' AND NOT EXISTS (SELECT 1 FROM destruction_permits WHERE record_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'finalised records cannot be deleted');
END;

CREATE TRIGGER records_stay_final BEFORE UPDATE OF status ON records
WHEN OLD.status = 'final' AND NEW.status <> 'final'
BEGIN
    SELECT RAISE(ABORT, 'a finalised record cannot return to draft');
END;

-- The view over the 台帳 numbers (0010) goes while its table is rebuilt, and comes back unchanged.
DROP VIEW consolidated_current;

CREATE TABLE ledger_numbers_new (
    record_id   TEXT PRIMARY KEY,
    ledger      TEXT NOT NULL CHECK (ledger IN ('consultation', 'interview', 'visit')),
    fiscal_year INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    assigned_at TEXT NOT NULL,
    UNIQUE (ledger, fiscal_year, number)
) STRICT;

INSERT INTO ledger_numbers_new (record_id, ledger, fiscal_year, number, assigned_at)
SELECT record_id, ledger, fiscal_year, number, assigned_at FROM ledger_numbers;

DROP TABLE ledger_numbers;
ALTER TABLE ledger_numbers_new RENAME TO ledger_numbers;

CREATE VIEW consolidated_current AS
SELECT l.kind AS kind, l.record_id AS record_id, n.fiscal_year AS fiscal_year, n.number AS number,
       l.version AS version, l.version > 1 AS amended, v.content AS content, l.performed_on AS performed_on,
       l.fiscal_year AS performed_fy, l.place AS place, l.doctor_id AS doctor_id, l.workplace_id AS workplace_id
FROM consolidated_latest l
JOIN ledger_numbers n ON n.record_id = l.record_id
JOIN consolidated_versions v ON v.record_id = l.record_id AND v.version = l.version AND v.content_hash = l.content_hash;
