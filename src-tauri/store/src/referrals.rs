//! 外部機関紹介: the rules a referral keeps with the record it came from and the body it names,
//! the body frozen with each version, the outcome recorded as a 訂正, and the list of referrals
//! still waiting for an outcome (issue 16).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::directory::OutsideBody;
use crate::domain::referral::{AWAIT_OUTCOME_DAYS, OUTCOME_REASON, REFERRAL_SOURCES};
use crate::domain::{ConsultationKind, Date, RecordBody, RecordKind, RecordStatus, Referral, ReferralOutcome, ReferralReason, Strictness, Violations};
use crate::error::{Error, Result};

use super::entities::get_in;
use super::records::{body_for_facts, latest_content, load_row, parse_body};
use super::{today, Store};

/// The rules between a referral, its source record and its body; `id` is the referral's.
pub(crate) fn check_refs(conn: &Connection, id: &str, r: &Referral, strict: Strictness, v: &mut Violations) -> Result<()> {
    if let Some(source) = r.source_id.as_deref() {
        check_source(conn, id, source, r, strict, v)?;
    }
    if strict == Strictness::Final {
        let today = today();
        if r.referred_on.is_some_and(|d| d > today) {
            v.push("referred_on", "紹介日に未来の日は入れられません。紹介した日を入れてください。");
        }
        if r.outcome_on.is_some_and(|d| d > today) {
            v.push("outcome_on", "受診結果の日付に未来の日は入れられません。今日までの日付にしてください。");
        }
    }
    if let (Some(body), Strictness::Final) = (r.body_id.as_deref(), strict) {
        // A body taken off the directory after the referral was finalised is still the one it
        // named: a correction (the outcome) keeps it. A new referral must choose one on the list.
        if get_in::<OutsideBody>(conn, body)?.is_none() && !named_before(conn, id, body)? {
            v.push("body_id", "紹介先の機関が名簿にありません。名簿から選び直してください。");
        }
    }
    Ok(())
}

fn check_source(conn: &Connection, id: &str, source: &str, r: &Referral, strict: Strictness, v: &mut Violations) -> Result<()> {
    if source == id {
        v.push("source_id", "紹介元には、相談・面接指導・訪問指導の記録を選んでください。");
        return Ok(());
    }
    let row = match load_row(conn, source) {
        Ok(row) => row,
        Err(Error::NotFound { .. }) => {
            v.push("source_id", "紹介元の記録が見つかりません。紹介元を選び直してください。");
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    if !REFERRAL_SOURCES.contains(&row.kind) {
        v.push("source_id", "紹介元には、相談・面接指導・訪問指導の記録を選んでください。");
        return Ok(());
    }
    if strict != Strictness::Final {
        return Ok(());
    }
    if row.status != RecordStatus::Final {
        v.push("source_id", "紹介元の記録がまだ下書きです。紹介元を確定してから、紹介を確定してください。");
        return Ok(());
    }
    // A correction that keeps what tied the referral to its source (the outcome, a reason's words)
    // is not held to the source as it reads now: the source may have been corrected since (a
    // worker mixed up, a date), and the referral was checked against it when it was made.
    if let Some(prev) = previous(conn, id)? {
        if (&prev.source_id, &prev.workplace_id, &prev.worker_id, prev.referred_on) == (&r.source_id, &r.workplace_id, &r.worker_id, r.referred_on) {
            return Ok(());
        }
    }
    let Some(src) = body_for_facts(conn, source)? else { return Ok(()) };
    if src.workplace_id() != r.workplace_id.as_deref() {
        v.push("workplace_id", "事業場が紹介元の記録と違います。紹介元と同じ事業場にしてください。");
    }
    if src.worker_id().is_some() && src.worker_id() != r.worker_id.as_deref() {
        v.push("worker_id", "労働者が紹介元の記録と違います。紹介元と同じ労働者にしてください。");
    }
    if let (Some(made), Some(held)) = (r.referred_on, src.performed_on()) {
        if made < held {
            v.push("referred_on", format!("紹介日は紹介元の実施日（{}）以降にしてください。", held.wareki()));
        }
    }
    Ok(())
}

/// The latest finalised version of referral `id`, if it has one.
fn previous(conn: &Connection, id: &str) -> Result<Option<Referral>> {
    let version: Option<u32> = conn.query_row("SELECT version FROM records WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    let Some(version) = version.filter(|v| *v > 0) else { return Ok(None) };
    Ok(match latest_content(conn, id, version)?.map(|c| c.body) {
        Some(RecordBody::Referral(r)) => Some(r),
        _ => None,
    })
}

/// The outcome fields of a referral, compared as one.
fn outcome_of(r: &Referral) -> (Option<ReferralOutcome>, Option<Date>, &str) {
    (r.outcome, r.outcome_on, r.outcome_note.trim())
}

/// The rules of a referral's versions, on every path (確定, `amend`, the CLI, an import):
/// - version 1 has no outcome: it is recorded afterwards, as its own correction;
/// - the correction with the reason [`OUTCOME_REASON`] changes the outcome and nothing else, and
///   the outcome changes under no other reason, so the history's reason always says what changed;
/// - the source stays: a referral from another record is a new referral.
pub(crate) fn check_version(conn: &Connection, id: &str, r: &Referral, version: u32, reason: Option<&str>) -> Result<()> {
    let mut v = Violations::default();
    let Some(prev) = (version > 1).then(|| previous(conn, id)).transpose()?.flatten() else {
        if r.outcome.is_some() || r.outcome_on.is_some() || !r.outcome_note.trim().is_empty() {
            v.push("outcome", "受診結果は、紹介を確定してから記録画面の「受診結果を記録」で記録してください（確定の時には空のままにしてください）。");
        }
        return invalid_if_any(v);
    };
    if prev.source_id != r.source_id {
        v.push("source_id", "紹介元は変えられません。別の記録からの紹介は、その記録の画面から新しく作成してください。");
    }
    let outcome_changed = outcome_of(&prev) != outcome_of(r);
    let rest_same = Referral { outcome: None, outcome_on: None, outcome_note: String::new(), ..prev.clone() }
        == Referral { outcome: None, outcome_on: None, outcome_note: String::new(), ..r.clone() };
    if reason.map(str::trim) == Some(OUTCOME_REASON) {
        if !rest_same {
            v.push("reason", format!("「{OUTCOME_REASON}」の訂正では受診結果だけを変えられます。ほかの項目は、理由を書いて別に訂正してください。"));
        }
    } else if outcome_changed {
        v.push("outcome", "受診結果は、記録画面の「受診結果を記録」で記録してください（理由「紹介先の受診結果の記録」の訂正になります）。");
    }
    invalid_if_any(v)
}

fn invalid_if_any(v: Violations) -> Result<()> {
    if v.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(v.into_vec()))
    }
}

/// The body a version of referral `id` freezes: while it names the body an earlier version of
/// this referral named, that version's copy (as the body was when the referral named it, even if
/// the directory changed or lost it since); otherwise the directory's, as it is now.
pub(crate) fn body_to_freeze(conn: &Connection, id: &str, r: &Referral) -> Result<Option<OutsideBody>> {
    let Some(body) = r.body_id.as_deref() else { return Ok(None) };
    let frozen: Option<String> = conn
        .query_row(
            "SELECT json_extract(content, '$.snapshot.outside_body') FROM record_versions \
             WHERE record_id = ?1 AND json_extract(content, '$.body.data.body_id') = ?2 AND json_extract(content, '$.snapshot.outside_body') IS NOT NULL \
             ORDER BY version DESC LIMIT 1",
            params![id, body],
            |row| row.get(0),
        )
        .optional()?
        .flatten();
    if let Some(j) = frozen {
        return Ok(Some(serde_json::from_str(&j).map_err(|e| Error::from_json(&e))?));
    }
    Ok(get_in::<OutsideBody>(conn, body)?.map(|row| row.data))
}

/// Whether an earlier version of referral `id` named `body`.
fn named_before(conn: &Connection, id: &str, body: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM record_versions WHERE record_id = ?1 AND json_extract(content, '$.body.data.body_id') = ?2 LIMIT 1",
            params![id, body],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The body a referral names, as the directory holds it, or, once taken off the directory, as the
/// last finalised referral that named it froze it.
pub(crate) fn body_named(conn: &Connection, r: &Referral) -> Result<Option<OutsideBody>> {
    let Some(id) = r.body_id.as_deref() else { return Ok(None) };
    if let Some(row) = get_in::<OutsideBody>(conn, id)? {
        return Ok(Some(row.data));
    }
    let frozen: Option<String> = conn
        .query_row(
            "SELECT json_extract(v.content, '$.snapshot.outside_body') FROM record_versions v JOIN records r ON r.id = v.record_id \
             WHERE r.kind = ?1 AND json_extract(v.content, '$.body.data.body_id') = ?2 AND json_extract(v.content, '$.snapshot.outside_body') IS NOT NULL \
             ORDER BY v.created_at DESC LIMIT 1",
            params![RecordKind::Referral.as_str(), id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    frozen.map(|j| serde_json::from_str(&j).map_err(|e| Error::from_json(&e))).transpose()
}

/// Which referrals to list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct ReferralFilter {
    /// Only the finalised referrals with no outcome 30 days or more after they were made.
    pub awaiting: bool,
    /// Only those made from this record.
    pub source_id: Option<String>,
    pub workplace_id: Option<String>,
}

/// One referral as the lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ReferralRow {
    pub id: String,
    pub status: RecordStatus,
    pub version: u32,
    pub referred_on: Option<Date>,
    /// The body's name: the directory's for a draft, the one frozen with the version otherwise.
    pub body_name: String,
    pub body_kind: Option<crate::domain::BodyKind>,
    pub body_phone: String,
    pub reason: String,
    pub outcome: Option<ReferralOutcome>,
    pub outcome_on: Option<Date>,
    pub workplace_name: String,
    pub worker_name: Option<String>,
    pub source_id: Option<String>,
    pub source_kind: Option<RecordKind>,
    /// Days since the referral was made (finalised referrals with no outcome).
    pub days_waiting: Option<i32>,
    /// No outcome 30 days or more after it was made.
    pub awaiting: bool,
    /// The source record was corrected since, and now names another workplace or worker, or a
    /// later day than the referral's: the referral needs its own 訂正.
    pub source_differs: bool,
}

#[derive(Deserialize)]
struct Frozen {
    body: Option<serde_json::Value>,
    outside_body: Option<OutsideBody>,
    workplace: Option<String>,
    worker: Option<String>,
}

pub(crate) fn referrals_in(conn: &Connection, f: &ReferralFilter, today: Date) -> Result<Vec<ReferralRow>> {
    // The finalised ones from their latest version (without reading anything else of it), the
    // drafts from their draft with the directory's names. The filters are the query's, by the
    // records' columns, so a home screen or a record's screen reads only its own referrals.
    const SOURCE: &str = "coalesce(json_extract(v.content, '$.body.data.source_id'), json_extract(r.draft, '$.source_id'))";
    let cutoff = (today.naive() - chrono::Duration::days(AWAIT_OUTCOME_DAYS)).format("%Y-%m-%d").to_string();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT r.id, r.status, r.version, r.draft, \
                json_object('body', json_extract(v.content, '$.body.data'), 'outside_body', json_extract(v.content, '$.snapshot.outside_body'), \
                            'workplace', json_extract(v.content, '$.snapshot.workplace.name'), 'worker', json_extract(v.content, '$.snapshot.worker.name')), \
                wp.name, wk.name, s.kind, \
                (s.id IS NOT NULL AND (coalesce(s.workplace_id, '') <> coalesce(r.workplace_id, '') \
                  OR (s.worker_id IS NOT NULL AND s.worker_id <> coalesce(r.worker_id, '')) \
                  OR (r.performed_on IS NOT NULL AND s.performed_on IS NOT NULL AND r.performed_on < s.performed_on))) \
         FROM records r LEFT JOIN record_versions v ON v.record_id = r.id AND v.version = r.version \
         LEFT JOIN workplaces wp ON wp.id = r.workplace_id LEFT JOIN workers wk ON wk.id = r.worker_id \
         LEFT JOIN records s ON s.id = {SOURCE} \
         WHERE r.kind = ?1 AND (?2 IS NULL OR r.workplace_id = ?2) AND (?3 IS NULL OR {SOURCE} = ?3) \
           AND (?4 = 0 OR (r.status = 'final' AND json_extract(v.content, '$.body.data.outcome') IS NULL AND r.performed_on <= ?5)) \
         ORDER BY r.performed_on DESC, r.id"
    ))?;
    type Raw = (String, String, u32, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, bool);
    let raw: Vec<Raw> = stmt
        .query_map(params![RecordKind::Referral.as_str(), f.workplace_id, f.source_id, f.awaiting, cutoff], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(raw.len());
    for (id, status, version, draft, frozen, wp_name, wk_name, source_kind, source_differs) in raw {
        let status = RecordStatus::parse(&status).expect("status is checked by the schema");
        let (referral, body, workplace, worker) = match (version, frozen) {
            (v, Some(frozen)) if v > 0 => {
                let frozen: Frozen = serde_json::from_str(&frozen).map_err(|e| Error::from_json(&e))?;
                let r: Referral = serde_json::from_value(frozen.body.unwrap_or_default()).map_err(|e| Error::from_json(&e))?;
                (r, frozen.outside_body, frozen.workplace.or(wp_name), frozen.worker.or(wk_name))
            }
            _ => {
                let RecordBody::Referral(r) = parse_body(RecordKind::Referral, draft.as_deref().unwrap_or("{}"))? else {
                    unreachable!("the kind was asked for")
                };
                let body = body_named(conn, &r)?;
                (r, body, wp_name, wk_name)
            }
        };
        let finalised = status == RecordStatus::Final;
        let awaiting = finalised && referral.awaits_outcome(today);
        if f.awaiting && !awaiting {
            continue;
        }
        out.push(ReferralRow {
            id,
            status,
            version,
            referred_on: referral.referred_on,
            body_name: body.as_ref().map(|b| b.name.clone()).unwrap_or_else(|| "（名簿にない機関）".into()),
            body_kind: body.as_ref().and_then(|b| b.kind),
            body_phone: body.map(|b| b.phone).unwrap_or_default(),
            reason: referral.reason_label(),
            outcome: referral.outcome,
            outcome_on: referral.outcome_on,
            workplace_name: workplace.unwrap_or_default(),
            worker_name: worker,
            source_id: referral.source_id.clone(),
            source_kind: source_kind.as_deref().and_then(RecordKind::parse),
            days_waiting: (finalised && referral.outcome.is_none())
                .then_some(referral.referred_on)
                .flatten()
                .map(|d| i32::try_from((today.naive() - d.naive()).num_days()).unwrap_or(i32::MAX)),
            awaiting,
            source_differs,
        });
    }
    if f.awaiting {
        out.sort_by_key(|r| std::cmp::Reverse(r.days_waiting));
    }
    Ok(out)
}

impl Store {
    /// A new referral from a consultation, interview or visit, filled from it: its workplace,
    /// worker, doctor and date, and for a メンタルヘルス相談 the reason. Not yet saved.
    pub fn referral_from(&self, source_id: &str) -> Result<Referral> {
        self.read(|c| {
            let row = load_row(c, source_id)?;
            if !REFERRAL_SOURCES.contains(&row.kind) {
                return Err(Error::invalid("source_id", "紹介は、相談・面接指導・訪問指導の記録から作れます。"));
            }
            let src = body_for_facts(c, source_id)?.ok_or_else(|| Error::NotFound { what: "記録", id: source_id.to_string() })?;
            let reason = match &src {
                RecordBody::Consultation(x) if x.kinds.contains(&ConsultationKind::MentalHealth) => Some(ReferralReason::MentalHealth),
                RecordBody::Interview(_) | RecordBody::Consultation(_) => Some(ReferralReason::Treatment),
                _ => None,
            };
            Ok(Referral {
                source_id: Some(source_id.to_string()),
                workplace_id: src.workplace_id().map(str::to_string),
                worker_id: src.worker_id().map(str::to_string),
                doctor_id: src.doctor_id().map(str::to_string),
                referred_on: src.performed_on(),
                reason,
                ..Default::default()
            })
        })
    }

    /// Record what came of a finalised referral: a 訂正 with the fixed reason
    /// [`OUTCOME_REASON`] that changes only the outcome. Returns the new version.
    pub fn record_referral_outcome(&self, id: &str, outcome: ReferralOutcome, on: Option<Date>, note: &str) -> Result<u32> {
        if let Some(day) = on {
            if day > today() {
                return Err(Error::invalid("outcome_on", "受診結果の日付に未来の日は入れられません。今日までの日付にしてください。"));
            }
        }
        // Read and write in one transaction: a correction saved meanwhile is never reverted.
        self.write(|tx| {
            let row = load_row(tx, id)?;
            if row.kind != RecordKind::Referral {
                return Err(Error::invalid("kind", "外部機関紹介の記録ではありません。"));
            }
            if row.status != RecordStatus::Final {
                return Err(Error::NotFinal);
            }
            if row.draft.is_some() {
                return Err(Error::invalid(
                    "outcome",
                    "この紹介には入力中の訂正の下書きがあります。下書きを確定するか破棄してから、受診結果を記録してください。",
                ));
            }
            let Some(RecordBody::Referral(mut r)) = latest_content(tx, id, row.version)?.map(|c| c.body) else {
                return Err(Error::NotFound { what: "記録", id: id.to_string() });
            };
            r.outcome = Some(outcome);
            r.outcome_on = on;
            r.outcome_note = note.trim().to_string();
            if latest_content(tx, id, row.version)?.is_some_and(|c| c.body == RecordBody::Referral(r.clone())) {
                return Err(Error::NoChange);
            }
            self.amend_in(tx, id, row.version + 1, &RecordBody::Referral(r), OUTCOME_REASON)
        })
    }

    pub fn referrals(&self, f: &ReferralFilter) -> Result<Vec<ReferralRow>> {
        self.read(|c| referrals_in(c, f, today()))
    }
}
