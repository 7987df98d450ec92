-- The current version of each consolidated record with its 台帳 number, as the ledgers and the
-- annual report read it (issue 15: one definition, owned by the store, instead of SQL pasted
-- into the reports). Columns: kind, record_id, fiscal_year (of the 台帳 number), number,
-- version, amended, content, performed_on, performed_fy (of the current date), place,
-- doctor_id, workplace_id. Empty on a device.
CREATE VIEW consolidated_current AS
SELECT l.kind AS kind, l.record_id AS record_id, n.fiscal_year AS fiscal_year, n.number AS number,
       l.version AS version, l.version > 1 AS amended, v.content AS content, l.performed_on AS performed_on,
       l.fiscal_year AS performed_fy, l.place AS place, l.doctor_id AS doctor_id, l.workplace_id AS workplace_id
FROM consolidated_latest l
JOIN ledger_numbers n ON n.record_id = l.record_id
JOIN consolidated_versions v ON v.record_id = l.record_id AND v.version = l.version AND v.content_hash = l.content_hash;
