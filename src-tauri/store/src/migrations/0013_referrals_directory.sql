-- 0013: 外部機関紹介 (referrals) as a record kind, and the directory of outside bodies they name
-- (地域の専門機関の名簿, issue 16).
--
-- `records` is rebuilt with 'referral' allowed, as 0011 rebuilt it for visits (SQLite cannot change
-- a CHECK constraint): new table, copy, drop, rename, the same indexes and triggers again. The
-- rows are copied unchanged. Referrals have no 台帳 number, so `ledger_numbers` stays as it is.

CREATE TABLE records_new (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('application', 'consultation', 'interview', 'visit', 'referral')),
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

-- The directory. A referral's version keeps the body as it was (its snapshot), so a body
-- removed from here is still named by the referrals that named it: nothing refers to this table.
CREATE TABLE outside_bodies (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    data       TEXT NOT NULL,
    search_key TEXT NOT NULL,
    kind       TEXT NOT NULL,
    area_key   TEXT NOT NULL,
    identity   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX outside_bodies_kind ON outside_bodies (kind, search_key);
CREATE INDEX outside_bodies_identity ON outside_bodies (identity);
