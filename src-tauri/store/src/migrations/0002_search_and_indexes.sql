-- 0002: search keys for workers and workplaces (folded name + kana, see domain::kana), and the
-- indexes ledgers and reports run on.

ALTER TABLE workplaces ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN search_key TEXT NOT NULL DEFAULT '';

UPDATE workplaces SET search_key = chisanpo_search_key(name || '|' || coalesce(json_extract(data, '$.kana'), ''));
UPDATE workers SET search_key = chisanpo_search_key(name || '|' || coalesce(json_extract(data, '$.kana'), ''));

CREATE INDEX workers_workplace ON workers (workplace_id);
CREATE INDEX records_kind_year ON records (kind, fiscal_year, performed_on);
CREATE INDEX records_year ON records (fiscal_year, performed_on);
CREATE INDEX records_updated ON records (updated_at);
CREATE INDEX records_performed ON records (performed_on);
CREATE INDEX records_workplace ON records (workplace_id, performed_on);
CREATE INDEX records_worker ON records (worker_id, performed_on);
CREATE INDEX records_doctor ON records (doctor_id, fiscal_year);
CREATE INDEX records_drafts ON records (draft_saved_at) WHERE draft IS NOT NULL;
CREATE INDEX audit_log_target ON audit_log (target);
