-- 0014: which finalised visit links which consultation, kept beside the versions so that a
-- consultation's 確定 or 訂正 finds the visit that links it by an index, instead of reading every
-- visit's version (photos and all). Written when a visit is frozen (store::visits::note_links);
-- filled here from the finalised visits there are. A visit destroyed at the end of its retention
-- takes its links with it.
CREATE TABLE visit_links (
    visit_id        TEXT NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    consultation_id TEXT NOT NULL,
    PRIMARY KEY (consultation_id, visit_id)
) STRICT;

CREATE INDEX visit_links_visit ON visit_links (visit_id);

INSERT OR IGNORE INTO visit_links (visit_id, consultation_id)
SELECT r.id, j.value
FROM records r
JOIN record_versions v ON v.record_id = r.id AND v.version = r.version
JOIN json_each(v.content, '$.body.data.consultation_ids') j
WHERE r.kind = 'visit' AND r.status = 'final';
