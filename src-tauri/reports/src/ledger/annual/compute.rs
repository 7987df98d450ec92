//! Computing the report from the store: the finalised records of the year, the staff list, the
//! activities and the plans, in one read.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Deserialize;

use super::identity::ZONE_COUNT;
use super::*;
use crate::domain::fiscal::fiscal_year_range;
use crate::domain::{wareki, Activity, ActivityKind, Code, ConsultationKind, CouncilLevel, Date, InterviewKind, Place};
use crate::error::{Error, Result};
use crate::store::activities::{activities_in, plans_in, PlanItem};
use crate::store::report_rows::{annual_rows, draft_ids};

/// What the progress bar says while the year's records are counted.
const COUNTING: &str = "記録を数えています";

/// Only what the report reads of a finalised version: serde skips the rest of the content.
#[derive(Deserialize)]
struct SlimContent {
    body: SlimBody,
}

#[derive(Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
enum SlimBody {
    Application(serde::de::IgnoredAny),
    Consultation(SlimConsultation),
    Interview(SlimInterview),
}

#[derive(Deserialize)]
struct SlimConsultation {
    #[serde(default)]
    place_name: String,
    #[serde(default)]
    kinds: Vec<ConsultationKind>,
    #[serde(default)]
    subject_count: Option<u32>,
}

#[derive(Deserialize)]
struct SlimInterview {
    #[serde(default)]
    kind: Option<InterviewKind>,
    #[serde(default)]
    place_name: String,
}

type SessionKey = (Date, Place, String, Option<String>);

/// Sessions of one service, grouped as they are met.
#[derive(Default)]
struct SessionTally(BTreeMap<SessionKey, Vec<String>>);

impl SessionTally {
    fn add(&mut self, date: Date, place: Option<Place>, place_name: &str, doctor: Option<String>, id: &str) {
        let Some(place) = place else { return };
        let name = place_name.split_whitespace().collect::<Vec<_>>().join(" ");
        self.0.entry((date, place, name, doctor)).or_default().push(id.to_string());
    }

    fn finish(self, item: PlanItem, plans: &BTreeMap<String, u32>) -> SessionsByPlace {
        let mut by_place: BTreeMap<Place, AnnualCount> = BTreeMap::new();
        let mut total = AnnualCount::default();
        let mut sessions = Vec::with_capacity(self.0.len());
        for ((date, place, place_name, doctor_id), record_ids) in self.0 {
            let c = by_place.entry(place).or_default();
            c.value += 1;
            c.ids.extend(record_ids.iter().cloned());
            total.value += 1;
            total.ids.extend(record_ids.iter().cloned());
            sessions.push(ServiceSession { date, place, place_name, doctor_id, record_ids });
        }
        let mut take = |p| by_place.remove(&p).unwrap_or_default();
        SessionsByPlace {
            medical_institution: take(Place::MedicalInstitution),
            workplace_visit: take(Place::WorkplaceVisit),
            other_facility: take(Place::OtherFacility),
            total: planned(item, plans, total),
            sessions,
        }
    }
}

fn planned(item: PlanItem, plans: &BTreeMap<String, u32>, actual: AnnualCount) -> PlannedCount {
    PlannedCount { item, planned: plans.get(item.as_str()).copied(), actual }
}

fn setting(c: &Connection, key: &str) -> Result<String> {
    Ok(crate::store::kv::get(c, key)?.unwrap_or_default())
}

/// Where an interview of each kind is counted on the sheet (II-2 面接指導実施人数).
///
/// The sheet has two rows: ① 法66条の8 (the worker's 申出) and ② 法66条の9. Every other kind is
/// counted below the sheet, under 参考, on a row of its own. **Adding a kind of interview is one
/// line here** (the compiler asks for it); its count, its 参考 row and its JSON follow.
pub fn sheet_row(kind: InterviewKind) -> InterviewRow {
    match kind {
        InterviewKind::LongHours => InterviewRow::LongHours,
        InterviewKind::OtherLongHours => InterviewRow::OtherLongHours,
        // 安衛法66条の10 came in 2015, after the sheet: not one of its rows.
        InterviewKind::HighStress => InterviewRow::Supplementary,
        // 66条の8の2 (R&D) and 66条の8の4 (高度プロフェッショナル) are held without a request, so
        // they are not ① 申し出者 (66条の8), nor ② 66条の9: counted under 参考, by kind.
        InterviewKind::ResearchOver100 | InterviewKind::HighlyProfessional => InterviewRow::Supplementary,
    }
}

/// The key of a kind's plan in the `annual_plans` table: `interview_` and the kind's JSON name
/// (`interview_long_hours`, as [`PlanItem::as_str`]).
fn plan_key(kind: InterviewKind) -> String {
    let name = serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    format!("interview_{name}")
}

/// The interviews counted by kind, every kind listed (in code order), and the sheet's rows.
struct InterviewTally(BTreeMap<InterviewKind, AnnualCount>);

impl InterviewTally {
    fn new() -> InterviewTally {
        InterviewTally(InterviewKind::ALL.iter().map(|k| (*k, AnnualCount::default())).collect())
    }

    fn add(&mut self, kind: InterviewKind, id: &str) {
        self.0.entry(kind).or_default().add(id, 1);
    }

    fn finish(self, plans: &BTreeMap<String, u32>) -> Vec<InterviewKindCount> {
        self.0
            .into_iter()
            .map(|(kind, actual)| InterviewKindCount { kind, row: sheet_row(kind), planned: plans.get(&plan_key(kind)).copied(), actual })
            .collect()
    }
}

/// The count of a row of the sheet: the kinds counted on it added up, in date order.
fn row_total(by_kind: &[InterviewKindCount], row: InterviewRow) -> AnnualCount {
    let mut out = AnnualCount::default();
    let mut ids: Vec<&String> = Vec::new();
    for k in by_kind.iter().filter(|k| k.row == row) {
        out.value += k.actual.value;
        ids.extend(&k.actual.ids);
    }
    out.ids = ids.into_iter().cloned().collect();
    out
}

fn kind_total(by_kind: &[InterviewKindCount], kind: InterviewKind) -> AnnualCount {
    by_kind.iter().find(|k| k.kind == kind).map(|k| k.actual.clone()).unwrap_or_default()
}

/// The fields of section I left blank, each with where to set it.
fn unset_fields(centre_name: &str, labour_bureau: &str, zone_count: &str) -> Vec<String> {
    [
        (centre_name, "1 実施機関（委託先）名", "「センター名」", "--centre 〇〇県地域産業保健センター"),
        (labour_bureau, "2 労働局名", "「労働局名」", "--labour-bureau 東京労働局"),
        (zone_count, "3 圏域の数", "「圏域の数」", "--zone-count 4"),
    ]
    .into_iter()
    .filter(|(value, ..)| value.is_empty())
    .map(|(_, field, screen, cli)| format!("{field}が空欄です。設定画面の{screen}（CLI では chisanpo settings {cli}）で入力してから書き出してください。"))
    .collect()
}

fn parse_place(s: Option<String>) -> Option<Place> {
    s.and_then(|p| Place::ALL.iter().copied().find(|x| x.as_str() == p))
}

pub use crate::store::report_rows::AnnualRow;

/// Where a centre's consolidated records come from.
pub(crate) enum Consolidated<'a> {
    /// This store's own consolidated tables.
    Local,
    /// Rows read from a shared database.
    Rows(&'a [AnnualRow]),
}

pub(super) fn compute(c: &Connection, fy: i32, consolidated: Consolidated) -> Result<AnnualReport> {
    let (from, to) = fiscal_year_range(fy);
    let (from, to) = (Date(from), Date(to));
    let plans = plans_in(c, fy)?;

    let mut c_sessions = SessionTally::default();
    let mut i_sessions = SessionTally::default();
    let mut c_records = AnnualCount::default();
    let mut i_records = AnnualCount::default();
    let mut visit_records = AnnualCount::default();
    let mut opinion_workplaces = AnnualCount::default();
    let mut opinion_workers = AnnualCount::default();
    let mut guidance = AnnualCount::default();
    let mut mental = AnnualCount::default();
    let mut by_kind = InterviewTally::new();
    let mut months = super::months::MonthTally::new(fy);
    {
        // The centre's own records, and on a centre the records consolidated from its devices
        // (from this store's tables, or read from a shared database by the caller).
        let local = matches!(consolidated, Consolidated::Local);
        let mut rows = annual_rows(c, fy, local)?;
        if let Consolidated::Rows(extra) = consolidated {
            rows.extend(extra.iter().cloned());
        }
        rows.sort_by(|a, b| (&a.performed_on, &a.id).cmp(&(&b.performed_on, &b.id)));
        let total = rows.len() as u64;
        for (i, r) in rows.into_iter().enumerate() {
            crate::progress::step(COUNTING, i as u64, total);
            crate::progress::checkpoint()?;
            let id = r.id;
            let Some(date) = r.performed_on.as_deref().and_then(|d| d.parse::<Date>().ok()) else { continue };
            let place = parse_place(r.place);
            let doctor: Option<String> = r.doctor_id;
            let json = r.content.as_str();
            let content: SlimContent = serde_json::from_str(json).map_err(|e| Error::from_json(&e))?;
            match content.body {
                SlimBody::Consultation(b) => {
                    c_records.add(&id, 1);
                    months.consultation(date, &b.kinds);
                    c_sessions.add(date, place, &b.place_name, doctor, &id);
                    if place == Some(Place::WorkplaceVisit) {
                        visit_records.add(&id, 1);
                    }
                    if b.kinds.contains(&ConsultationKind::OpinionHearing) {
                        opinion_workplaces.add(&id, 1);
                        opinion_workers.add(&id, u64::from(b.subject_count.unwrap_or(0)));
                    }
                    if b.kinds.contains(&ConsultationKind::HealthGuidance) {
                        guidance.add(&id, 1);
                    }
                    if b.kinds.contains(&ConsultationKind::MentalHealth) {
                        mental.add(&id, 1);
                    }
                }
                SlimBody::Interview(b) => {
                    i_records.add(&id, 1);
                    months.interview(date);
                    i_sessions.add(date, place, &b.place_name, doctor, &id);
                    if let Some(kind) = b.kind {
                        by_kind.add(kind, &id);
                    }
                }
                SlimBody::Application(_) => {}
            }
        }
    }

    let mut pending_drafts = AnnualCount::default();
    {
        for id in draft_ids(c, fy)? {
            pending_drafts.add(&id, 1);
        }
    }

    let mut councils = CouncilCounts::default();
    let mut coordinator_days = CoordinatorDays::default();
    let mut by_coordinator: BTreeMap<String, AnnualCount> = BTreeMap::new();
    let mut other_work = OtherWork::default();
    for row in activities_in(c, fy)? {
        let a: Activity = row.data;
        match a.kind {
            Some(ActivityKind::Council) => match a.council_level {
                Some(CouncilLevel::Prefecture) => councils.prefecture.add(&row.id, 1),
                Some(CouncilLevel::Zone) => councils.zone.add(&row.id, 1),
                None => {}
            },
            Some(ActivityKind::CoordinatorDay) => {
                coordinator_days.total.add(&row.id, 1);
                by_coordinator.entry(a.staff_id.clone().unwrap_or_default()).or_default().add(&row.id, 1);
            }
            Some(ActivityKind::OtherWork) => {
                let count = a.count.unwrap_or(1);
                other_work.total.add(&row.id, u64::from(count));
                if let Some(held_on) = a.held_on {
                    other_work.items.push(OtherWorkItem { id: row.id.clone(), held_on, description: a.description.trim().to_string(), count });
                }
            }
            None => {}
        }
    }
    coordinator_days.by_coordinator = by_coordinator.into_iter().map(|(staff_id, days)| CoordinatorDayTally { staff_id, days }).collect();

    let by_kind = by_kind.finish(&plans);
    let centre_name = setting(c, SETTING_CENTRE_NAME)?.trim().to_string();
    let labour_bureau = setting(c, SETTING_LABOUR_BUREAU)?.trim().to_string();
    let zone_count = setting(c, SETTING_ZONE_COUNT)?.parse::<u32>().ok().filter(|n| ZONE_COUNT.contains(n)).map(|n| n.to_string()).unwrap_or_default();
    let consultation_sessions = c_sessions.finish(PlanItem::ConsultationSessions, &plans);
    months.consultation_sessions(&consultation_sessions.sessions);
    let by_sessions = ShareOfTotal::of_visits(consultation_sessions.workplace_visit.clone(), consultation_sessions.total.actual.clone());
    let by_records = ShareOfTotal::of_visits(visit_records, c_records.clone());
    let workplace_visit_share = VisitShare { target: VISIT_SHARE_TARGET, met: by_sessions.met, by_sessions, by_records };

    Ok(AnnualReport {
        fiscal_year: fy,
        fiscal_year_label: wareki::format_fiscal_year(fy),
        period_from: from,
        period_to: to,
        period_label: format!("{} ～ {}", from.wareki(), to.wareki()),
        unset_fields: unset_fields(&centre_name, &labour_bureau, &zone_count),
        centre_name,
        labour_bureau,
        zone_count,
        staff: super::staff::counts(c)?,
        consultations: ConsultationTotals {
            sessions: consultation_sessions,
            records: c_records,
            opinion_workplaces: planned(PlanItem::OpinionWorkplaces, &plans, opinion_workplaces),
            opinion_workers: planned(PlanItem::OpinionWorkers, &plans, opinion_workers),
            health_guidance: planned(PlanItem::HealthGuidance, &plans, guidance),
            mental_health: planned(PlanItem::MentalHealth, &plans, mental),
        },
        interviews: InterviewTotals {
            sessions: i_sessions.finish(PlanItem::InterviewSessions, &plans),
            records: i_records,
            long_hours: planned(PlanItem::InterviewLongHours, &plans, row_total(&by_kind, InterviewRow::LongHours)),
            other_long_hours: planned(PlanItem::InterviewOtherLongHours, &plans, row_total(&by_kind, InterviewRow::OtherLongHours)),
            high_stress: planned(PlanItem::InterviewHighStress, &plans, kind_total(&by_kind, InterviewKind::HighStress)),
            by_kind,
        },
        councils,
        coordinator_days,
        other_work,
        workplace_visit_share,
        by_month: months.finish(),
        pending_drafts,
        // Filled in by `annual_report_from`, which reads the visits of every year.
        visits: Default::default(),
    })
}
