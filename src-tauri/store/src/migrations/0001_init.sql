-- 0001: the core schema. Append-only: never edit a migration that has shipped; add a new one.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Staff: doctors, 保健師, coordinators. `data` is the JSON of domain::Staff.
CREATE TABLE staff (
    id         TEXT PRIMARY KEY,
    role       TEXT NOT NULL,
    name       TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE workplaces (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE workers (
    id           TEXT PRIMARY KEY,
    workplace_id TEXT NOT NULL REFERENCES workplaces(id),
    name         TEXT NOT NULL,
    data         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

-- One row per record. The facts ledgers and reports filter on are real columns, copied from
-- the latest finalised version (or from the draft while there is none).
CREATE TABLE records (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('application', 'consultation', 'interview')),
    status         TEXT NOT NULL CHECK (status IN ('draft', 'final')),
    version        INTEGER NOT NULL DEFAULT 0,
    performed_on   TEXT,
    fiscal_year    INTEGER,
    place          TEXT,
    workplace_id   TEXT REFERENCES workplaces(id),
    worker_id      TEXT REFERENCES workers(id),
    doctor_id      TEXT REFERENCES staff(id),
    -- The open draft: a new record, or a correction of a finalised one not yet made.
    draft          TEXT,
    draft_saved_at TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    finalised_at   TEXT,
    amended_at     TEXT,
    retain_until   TEXT
) STRICT;

-- Finalised versions. Never updated; deleted only by retention destruction under a permit.
CREATE TABLE record_versions (
    record_id    TEXT NOT NULL REFERENCES records(id),
    version      INTEGER NOT NULL,
    content      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    reason       TEXT,
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (record_id, version)
) STRICT;

CREATE TABLE destruction_permits (
    record_id TEXT PRIMARY KEY
) STRICT;

CREATE TRIGGER record_versions_immutable BEFORE UPDATE ON record_versions
BEGIN
    SELECT RAISE(ABORT, 'finalised versions are immutable');
END;

CREATE TRIGGER record_versions_kept BEFORE DELETE ON record_versions
WHEN NOT EXISTS (SELECT 1 FROM destruction_permits WHERE record_id = OLD.record_id)
BEGIN
    SELECT RAISE(ABORT, 'finalised versions cannot be deleted');
END;

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

-- The audit log: append-only, each entry carrying the SHA-256 of the one before.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
