//! 訪問指導・職場巡視 in the store: what a visit may name (the consultations held on the same trip,
//! the earlier findings it follows up), and the findings still open (issue 16).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::{
    Date, Finding, FindingCategory, FindingPriority, FollowedFinding, ImprovementStatus, Place, RecordBody, RecordKind, Staff, Strictness, Violations, Visit,
};
use crate::error::Result;

use super::entities::{exists, get_in};
use super::records::latest_content;
use super::Store;

/// A finding of a finalised visit that is not yet 改善済.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OpenFinding {
    pub visit_id: String,
    pub visited_on: Option<Date>,
    pub workplace_id: Option<String>,
    pub workplace_name: Option<String>,
    /// The finding's number on its visit's report (1-based).
    pub finding_no: u32,
    pub category: Option<FindingCategory>,
    pub priority: Option<FindingPriority>,
    pub place: String,
    pub observation: String,
    pub advice: String,
    pub due_on: Option<Date>,
    /// What the latest later visit recorded of it (一部改善, 未改善), if any.
    pub last_status: Option<ImprovementStatus>,
    /// Its date has passed.
    pub overdue: bool,
}

/// Which open findings to list.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// Only those of one workplace.
    pub workplace_id: Option<String>,
    /// Only those whose date has passed on this day.
    pub overdue_on: Option<Date>,
    /// Leave out what this visit (a draft of the next one) records.
    pub except_visit: Option<String>,
}

/// Check what a visit names: the staff who went, the consultations held on the same trip and
/// the earlier findings it follows up. A linked consultation is part of the trip: it must be of
/// the same workplace and day, and held at the workplace (so that the annual report counts it
/// as 事業場訪問).
pub(crate) fn check_refs(conn: &Connection, id: &str, visit: &Visit, strict: Strictness, v: &mut Violations) -> Result<()> {
    for (i, w) in visit.visitors.iter().enumerate() {
        if let Some(id) = &w.staff_id {
            if !exists(conn, "staff", id)? {
                v.push(format!("visitors[{i}].staff_id"), format!("同行者{}が職員の一覧に見つかりません。選び直してください。", i + 1));
            }
        }
    }
    for (i, p) in visit.photos.iter().enumerate() {
        if p.sha256.len() == 64 && !super::photos::exists(conn, &p.sha256)? {
            v.push(format!("photos[{i}]"), format!("写真{}がこのパソコンのデータにありません。「写真を追加」で取り込み直してください。", i + 1));
        }
    }
    // At 確定, each linked consultation must be finalised itself (a draft could still be discarded
    // or moved), and not already part of another finalised visit (it would be counted twice).
    let linked_elsewhere: Vec<String> = if strict == Strictness::Final && !visit.consultation_ids.is_empty() {
        let mut stmt = conn.prepare_cached("SELECT consultation_id FROM visit_links WHERE visit_id <> ?1")?;
        let rows = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        rows
    } else {
        Vec::new()
    };
    for (i, cid) in visit.consultation_ids.iter().enumerate() {
        let field = format!("consultation_ids[{i}]");
        let Some(body) = current_body(conn, cid)? else {
            v.push(field, format!("結び付けた相談{}が見つかりません。結び付けを外してください。", i + 1));
            continue;
        };
        let RecordBody::Consultation(c) = body else {
            v.push(field, format!("結び付けた記録{}は特定健康相談ではありません。結び付けを外してください。", i + 1));
            continue;
        };
        if strict == Strictness::Final {
            if final_body(conn, cid)?.is_none() {
                v.push(field.clone(), format!("結び付けた相談{}はまだ確定していません。相談を先に確定してください。", i + 1));
            }
            if linked_elsewhere.contains(cid) {
                v.push(field.clone(), format!("結び付けた相談{}は、別の訪問指導に結び付けられています。", i + 1));
            }
            if c.workplace_id != visit.workplace_id {
                v.push(field.clone(), format!("結び付けた相談{}は別の事業場の相談です。結び付けを外すか、事業場を確かめてください。", i + 1));
            }
            if c.performed_on != visit.visited_on {
                v.push(field.clone(), format!("結び付けた相談{}の実施日が訪問日と違います。同じ日の相談だけを結び付けてください。", i + 1));
            }
            if c.place != Some(Place::WorkplaceVisit) {
                v.push(field, format!("結び付けた相談{}の実施場所が「事業場訪問」ではありません。相談の実施場所を直してから確定してください。", i + 1));
            }
        }
    }
    for (i, f) in visit.follow_ups.iter().enumerate() {
        let field = format!("follow_ups[{i}]");
        if f.visit_id.is_empty() {
            continue; // reported by the domain
        }
        if f.visit_id == id {
            v.push(field, format!("改善状況{}はこの訪問自身の指摘事項です。前回までの訪問の指摘事項だけを記録できます。", i + 1));
            continue;
        }
        let earlier = match final_body(conn, &f.visit_id)? {
            Some(RecordBody::Visit(e)) => e,
            _ => {
                v.push(field, format!("改善状況{}の前回訪問が見つかりません（確定した訪問指導の指摘事項だけを記録できます）。", i + 1));
                continue;
            }
        };
        if f.finding_no as usize > earlier.findings.len() {
            v.push(field.clone(), format!("改善状況{}の指摘番号が前回訪問の指摘事項にありません。選び直してください。", i + 1));
        }
        if earlier.workplace_id != visit.workplace_id {
            v.push(field.clone(), format!("改善状況{}は別の事業場の指摘事項です。選び直してください。", i + 1));
        }
        if let (Some(then), Some(now)) = (earlier.visited_on, visit.visited_on) {
            if then > now {
                v.push(field, format!("改善状況{}の指摘事項は、この訪問より後の訪問のものです。", i + 1));
            }
        }
    }
    Ok(())
}

/// The snapshot's visitors: one per visitor, the staff member on file or the name typed in.
pub(crate) fn visitors_of(conn: &Connection, v: &Visit) -> Result<Vec<Staff>> {
    let mut out = Vec::with_capacity(v.visitors.len());
    for w in &v.visitors {
        let on_file = match &w.staff_id {
            Some(id) => get_in::<Staff>(conn, id)?.map(|r| r.data),
            None => None,
        };
        out.push(on_file.unwrap_or_else(|| Staff { name: w.name.trim().to_string(), ..Default::default() }));
    }
    Ok(out)
}

/// The snapshot's followed findings: each earlier finding as it reads now.
pub(crate) fn followed_of(conn: &Connection, v: &Visit) -> Result<Vec<FollowedFinding>> {
    let mut out = Vec::with_capacity(v.follow_ups.len());
    for f in &v.follow_ups {
        if let Some(RecordBody::Visit(e)) = final_body(conn, &f.visit_id)? {
            let observation = e.findings.get((f.finding_no as usize).wrapping_sub(1)).map(|x| x.observation.clone()).unwrap_or_default();
            out.push(FollowedFinding { visit_id: f.visit_id.clone(), finding_no: f.finding_no, visited_on: e.visited_on, observation });
        }
    }
    Ok(out)
}

/// A record's finalised body, or its draft while it has none. `None` when there is no record.
fn current_body(conn: &Connection, id: &str) -> Result<Option<RecordBody>> {
    if !exists(conn, "records", id)? {
        return Ok(None);
    }
    super::records::body_for_facts(conn, id)
}

/// A record's latest finalised body.
fn final_body(conn: &Connection, id: &str) -> Result<Option<RecordBody>> {
    let version: Option<u32> = conn.query_row("SELECT version FROM records WHERE id = ?1 AND status = 'final'", [id], |r| r.get(0)).optional()?;
    match version {
        Some(n) => Ok(latest_content(conn, id, n)?.map(|c| c.body)),
        None => Ok(None),
    }
}

/// Keep the finalised visit `id`'s links to its consultations (table `visit_links`, 0014), as its
/// latest version has them.
pub(crate) fn note_links(conn: &Connection, id: &str, visit: &Visit) -> Result<()> {
    conn.execute("DELETE FROM visit_links WHERE visit_id = ?1", [id])?;
    let mut insert = conn.prepare_cached("INSERT OR IGNORE INTO visit_links (visit_id, consultation_id) VALUES (?1, ?2)")?;
    for c in &visit.consultation_ids {
        insert.execute(params![id, c])?;
    }
    Ok(())
}

/// A consultation a finalised visit links keeps to that visit when it is corrected: the same
/// workplace and day, held at 事業場訪問. Otherwise the annual report would count it on the visit
/// while the consultation says it was elsewhere.
pub(crate) fn check_linked_consultation(conn: &Connection, id: &str, c: &crate::domain::Consultation, v: &mut Violations) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT json_extract(v.content, '$.body.data') FROM visit_links l JOIN records r ON r.id = l.visit_id \
         JOIN record_versions v ON v.record_id = r.id AND v.version = r.version WHERE l.consultation_id = ?1 AND r.status = 'final'",
    )?;
    let linking: Vec<String> = stmt.query_map(params![id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    for body in linking {
        let visit: Visit = serde_json::from_str(&body).map_err(|e| crate::error::Error::from_json(&e))?;
        let day = visit.visited_on.map(|d| d.wareki()).unwrap_or_default();
        if c.workplace_id != visit.workplace_id {
            v.push(
                "workplace_id",
                format!(
                    "この相談は{day}の訪問指導に結び付いています。事業場は訪問先と同じにしてください（変えるときは、先に訪問指導の結び付けを外してください）。"
                ),
            );
        }
        if c.performed_on != visit.visited_on {
            v.push(
                "performed_on",
                format!(
                    "この相談は{day}の訪問指導に結び付いています。実施日は訪問日と同じにしてください（変えるときは、先に訪問指導の結び付けを外してください）。"
                ),
            );
        }
        if c.place != Some(Place::WorkplaceVisit) {
            v.push("place", format!("この相談は{day}の訪問指導に結び付いています。実施場所は「事業場訪問」のままにしてください。"));
        }
    }
    Ok(())
}

/// Every finalised visit, oldest first, with its workplace's name.
fn final_visits(conn: &Connection) -> Result<Vec<(String, Option<String>, Visit)>> {
    // Only the body of each latest version: its snapshot holds the photos, which are not needed
    // here and would make every call read megabytes.
    let mut stmt = conn.prepare(
        "SELECT r.id, wp.name, json_extract(v.content, '$.body.data') FROM records r \
         JOIN record_versions v ON v.record_id = r.id AND v.version = r.version \
         LEFT JOIN workplaces wp ON wp.id = r.workplace_id \
         WHERE r.kind = ?1 AND r.status = 'final' ORDER BY r.performed_on, r.id",
    )?;
    let rows: Vec<(String, Option<String>, Option<String>)> =
        stmt.query_map(params![RecordKind::Visit.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, name, body) in rows {
        let Some(body) = body else { continue };
        let v: Visit = serde_json::from_str(&body).map_err(|e| crate::error::Error::from_json(&e))?;
        out.push((id, name, v));
    }
    Ok(out)
}

/// The open findings: those of finalised visits that no later finalised visit records as 改善済.
pub fn open_findings_in(conn: &Connection, filter: &FindingFilter, today: Date) -> Result<Vec<OpenFinding>> {
    let visits = final_visits(conn)?;
    // The latest status recorded of each finding, by the visits in date order.
    let mut status: std::collections::HashMap<(String, u32), ImprovementStatus> = std::collections::HashMap::new();
    for (id, _, v) in &visits {
        if filter.except_visit.as_deref() == Some(id.as_str()) {
            continue;
        }
        for f in &v.follow_ups {
            if let Some(s) = f.status {
                status.insert((f.visit_id.clone(), f.finding_no), s);
            }
        }
    }
    let mut out = Vec::new();
    for (id, name, v) in &visits {
        if filter.workplace_id.is_some() && v.workplace_id != filter.workplace_id {
            continue;
        }
        if filter.except_visit.as_deref() == Some(id.as_str()) {
            continue;
        }
        for (i, f) in v.findings.iter().enumerate() {
            let no = i as u32 + 1;
            let last = status.get(&(id.clone(), no)).copied();
            if last == Some(ImprovementStatus::Improved) {
                continue;
            }
            let overdue = f.due_on.is_some_and(|d| d < today);
            if let Some(day) = filter.overdue_on {
                if f.due_on.is_none_or(|d| d >= day) {
                    continue;
                }
            }
            out.push(open(id, name, v, no, f, last, overdue));
        }
    }
    out.sort_by(|a, b| (a.due_on, &a.visit_id, a.finding_no).cmp(&(b.due_on, &b.visit_id, b.finding_no)));
    Ok(out)
}

fn open(id: &str, name: &Option<String>, v: &Visit, no: u32, f: &Finding, last: Option<ImprovementStatus>, overdue: bool) -> OpenFinding {
    OpenFinding {
        visit_id: id.to_string(),
        visited_on: v.visited_on,
        workplace_id: v.workplace_id.clone(),
        workplace_name: name.clone(),
        finding_no: no,
        category: f.category,
        priority: f.priority,
        place: f.place.clone(),
        observation: f.observation.clone(),
        advice: f.advice.clone(),
        due_on: f.due_on,
        last_status: last,
        overdue,
    }
}

impl Store {
    /// The findings not yet 改善済 (see [`FindingFilter`]); `today` decides which are overdue.
    pub fn open_findings(&self, filter: &FindingFilter, today: Date) -> Result<Vec<OpenFinding>> {
        self.read(|c| open_findings_in(c, filter, today))
    }
}
