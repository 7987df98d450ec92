-- 0004: the home screen's deadlines (store::deadlines, ledger::fees::fees_awaiting) read the
-- records not yet finalised. This index holds all they filter on, so they never read the rows
-- (whose drafts are large) of the records they skip.

CREATE INDEX records_open ON records (kind, status, performed_on, worker_id, fiscal_year, id) WHERE status = 'draft';
