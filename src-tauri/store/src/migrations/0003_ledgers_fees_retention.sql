-- 0003: what the ledgers, the annual report, fees and retention need.

-- 台帳の番号: one per fiscal year and ledger, given at the first 確定 and never changed. Kept after
-- a record is destroyed, so the 廃棄記録 can name it.
CREATE TABLE ledger_numbers (
    record_id   TEXT PRIMARY KEY,
    ledger      TEXT NOT NULL CHECK (ledger IN ('consultation', 'interview')),
    fiscal_year INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    assigned_at TEXT NOT NULL,
    UNIQUE (ledger, fiscal_year, number)
) STRICT;

INSERT INTO ledger_numbers (record_id, ledger, fiscal_year, number, assigned_at)
SELECT id, kind, fiscal_year,
       row_number() OVER (PARTITION BY kind, fiscal_year ORDER BY coalesce(finalised_at, created_at), id),
       coalesce(finalised_at, created_at)
FROM records
WHERE status = 'final' AND kind IN ('consultation', 'interview') AND fiscal_year IS NOT NULL;

-- 廃棄記録: what was destroyed, when and by whom; no health data.
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
    reason        TEXT NOT NULL
) STRICT;

CREATE TRIGGER destructions_kept BEFORE DELETE ON destructions
BEGIN
    SELECT RAISE(ABORT, 'destruction records are kept');
END;

-- 利用料: whether a record must be charged, the amount, and the confirmed payment (or the override).
CREATE TABLE fees (
    record_id       TEXT PRIMARY KEY REFERENCES records(id),
    required        INTEGER NOT NULL,
    reason          TEXT NOT NULL,
    minutes         INTEGER,
    hourly_rate     INTEGER NOT NULL,
    amount          INTEGER,
    confirmed_at    TEXT,
    confirmed_by    TEXT,
    override_reason TEXT,
    updated_at      TEXT NOT NULL
) STRICT;

-- The small records the annual report counts besides consultations and interviews:
-- 協議会 (council), coordinator activity days, and other work.
CREATE TABLE activities (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('council', 'coordinator_day', 'other_work')),
    held_on     TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    staff_id    TEXT REFERENCES staff(id),
    data        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL
) STRICT;

CREATE INDEX activities_year ON activities (fiscal_year, kind);

-- 計画: the planned numbers of the annual report (計画 / 実績), by fiscal year and item.
CREATE TABLE annual_plans (
    fiscal_year INTEGER NOT NULL,
    item        TEXT NOT NULL,
    planned     INTEGER NOT NULL,
    PRIMARY KEY (fiscal_year, item)
) STRICT;
