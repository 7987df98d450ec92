//! 地域産業保健事業実績報告書 (002 別添3): the annual report the centre sends the 労働局 as an
//! Excel file, computed from the finalised records of the fiscal year with no retyping.
//!
//! # What is counted
//!
//! - **Which records**: consultations and interviews whose status is 確定 and whose latest
//!   finalised version was performed in the fiscal year (1 April – 31 March: 31 March belongs to
//!   the year before, 1 April to the new one). A record corrected after finalising counts once,
//!   with its latest version (a correction that moves the date, the place or the kind moves the
//!   count with it). Drafts are not counted; they are listed in [`AnnualReport::pending_drafts`]
//!   so that they can be finalised before the report is sent. An open correction draft of a
//!   finalised record is ignored: the finalised version counts.
//! - **開催回数 (sessions)**: one session is a distinct (実施日, 実施場所の区分, 実施場所の名称,
//!   担当医師等) among the records of one service. A doctor who sees three workers of two
//!   workplaces at one clinic on one day held one session there; the same doctor at a workplace
//!   in the afternoon held a second. The name of the place is compared after trimming and
//!   collapsing white space. Consultations (II-1) and interviews (II-2) are counted apart, each
//!   by the place of its own session.
//! - **延べ**: every record counts, however often the worker or workplace came before.
//!   - ① 意見聴取 相談事業場数: each consultation with 意見聴取 counts its workplace once
//!     (「2回以上実施した事業場はそれぞれ計上」).
//!   - 意見対象労働者数: the sum of those consultations' 対象者数.
//!   - ② 保健指導 and ③ メンタル相談: each consultation of that kind counts one worker
//!     (「同一労働者が2回以上対象となった場合はそれぞれ計上」). One visit that covered two kinds
//!     counts in both.
//!   - 面接指導実施人数: each interview counts one worker under its article (66条の8, 66条の9,
//!     66条の10).
//! - **従事者**: each row of the staff list counts once under its role (産業医 = 医師, 保健師,
//!   コーディネーター = コーディネーター + 統括コーディネーター).
//! - **協議会** from the activities: one per council activity, by level. **活動日数**: one day per
//!   coordinator-day activity (延べ: the days of every coordinator added up). **その他**: each
//!   other-work activity with its 回数 (1 when not given).
//! - **事業場訪問の割合**: 事業場訪問 sessions ÷ all consultation sessions, against the FY2023
//!   target of 2割以上 (seed 001, II-2(1)②); the same share by records is given beside it.
//!
//! # Traceability
//!
//! Every number is an [`AnnualCount`]: its value and the ids of the records (or staff, or
//! activities) it counted, in date order. `value` equals the number of ids except where one
//! record counts more than one (意見対象労働者数 sums 対象者数; その他 sums 回数) and for
//! sessions, whose ids are the records held in those sessions.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use unicode_width::UnicodeWidthStr;

use crate::domain::fiscal::fiscal_year_range;
use crate::domain::{wareki, Activity, ActivityKind, Code, ConsultationKind, CouncilLevel, Date, InterviewKind, Place, StaffRole};
use crate::error::{Error, Result};
use crate::store::activities::{activities_in, plans_in, PlanItem};
use crate::store::{atomic, Action, Store};

/// The FY2023 target for the share of consultations held at the workplace: 2割以上.
pub const VISIT_SHARE_TARGET: f64 = 0.2;
/// The settings the report reads for section I. Only `centre_name` is set by the app today; the
/// other two are printed blank (to fill in by hand) until a setting holds them.
pub const SETTING_CENTRE_NAME: &str = "centre_name";
pub const SETTING_LABOUR_BUREAU: &str = "labour_bureau_name";
pub const SETTING_ZONE_COUNT: &str = "zone_count";

/// One number of the report and what it counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnnualCount {
    #[ts(type = "number")]
    pub value: u64,
    /// The records (or staff, or activities) counted, in date order.
    pub ids: Vec<String>,
}

impl AnnualCount {
    fn add(&mut self, id: &str, n: u64) {
        self.value += n;
        self.ids.push(id.to_string());
    }
}

/// A line with a 計画 beside its 実績.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlannedCount {
    pub item: PlanItem,
    /// 計画, when one was set for the year.
    pub planned: Option<u32>,
    /// 実績
    pub actual: AnnualCount,
}

/// One session (開催): a day, a place and a doctor, and the records held in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ServiceSession {
    pub date: Date,
    pub place: Place,
    pub place_name: String,
    pub doctor_id: Option<String>,
    pub record_ids: Vec<String>,
}

/// 場所別開催回数.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SessionsByPlace {
    /// 医療機関: the number of sessions, and the records held in them.
    pub medical_institution: AnnualCount,
    /// 事業場訪問
    pub workplace_visit: AnnualCount,
    /// その他施設
    pub other_facility: AnnualCount,
    /// 計
    pub total: PlannedCount,
    /// Every session, in date order.
    pub sessions: Vec<ServiceSession>,
}

impl SessionsByPlace {
    pub fn at(&self, place: Place) -> &AnnualCount {
        match place {
            Place::MedicalInstitution => &self.medical_institution,
            Place::WorkplaceVisit => &self.workplace_visit,
            Place::OtherFacility => &self.other_facility,
        }
    }
}

/// I-4 従事者.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StaffCounts {
    /// 産業医の人数 (staff whose role is 産業医等)
    pub doctors: AnnualCount,
    /// 保健師の人数
    pub nurses: AnnualCount,
    /// コーディネーターの人数 (統括を含む)
    pub coordinators: AnnualCount,
    /// Of those, 統括コーディネーター.
    pub chief_coordinators: AnnualCount,
}

/// II-1 特定健康相談.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConsultationTotals {
    pub sessions: SessionsByPlace,
    /// Every consultation counted.
    pub records: AnnualCount,
    /// ① 健診結果に基づく医師の意見 相談事業場数 (延べ)
    pub opinion_workplaces: PlannedCount,
    /// ① 意見対象労働者数 (延べ)
    pub opinion_workers: PlannedCount,
    /// ② 脳心臓疾患有リスク者保健指導 (延べ)
    pub health_guidance: PlannedCount,
    /// ③ メンタル不調者相談・指導 (延べ)
    pub mental_health: PlannedCount,
}

/// II-2 面接指導.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InterviewTotals {
    pub sessions: SessionsByPlace,
    /// Every interview counted.
    pub records: AnnualCount,
    /// ① 法66条の8 (延べ)
    pub long_hours: PlannedCount,
    /// ② 法66条の9 (延べ)
    pub other_long_hours: PlannedCount,
    /// 法66条の10 高ストレス者 (延べ), on its own row.
    pub high_stress: PlannedCount,
}

/// II-3 地域産業保健事業運営協議会 開催回数.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CouncilCounts {
    /// 都道府県単位の協議会
    pub prefecture: AnnualCount,
    /// 圏域単位の協議会
    pub zone: AnnualCount,
}

/// One coordinator's activity days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CoordinatorDayTally {
    pub staff_id: String,
    pub days: AnnualCount,
}

/// III コーディネーター 活動日数 (延べ).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CoordinatorDays {
    pub total: AnnualCount,
    pub by_coordinator: Vec<CoordinatorDayTally>,
}

/// One line of IV その他.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OtherWorkItem {
    pub id: String,
    pub held_on: Date,
    pub description: String,
    pub count: u32,
}

/// IV その他: the other work, each with its 回数.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OtherWork {
    pub items: Vec<OtherWorkItem>,
    /// The 回数 added up, and the activities.
    pub total: AnnualCount,
}

/// A part of a whole, and whether it reaches the target share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShareOfTotal {
    pub part: AnnualCount,
    pub whole: AnnualCount,
    /// part ÷ whole; absent when there is nothing to divide by.
    pub ratio: Option<f64>,
    /// The ratio is at least the target. Never met with nothing done.
    pub met: bool,
}

impl ShareOfTotal {
    /// Against [`VISIT_SHARE_TARGET`], 2割以上: compared in integers (5 × part ≥ whole), so that
    /// exactly a fifth is met whatever the rounding of 0.2.
    fn of_visits(part: AnnualCount, whole: AnnualCount) -> ShareOfTotal {
        let ratio = (whole.value > 0).then(|| part.value as f64 / whole.value as f64);
        let met = whole.value > 0 && part.value * 5 >= whole.value;
        ShareOfTotal { part, whole, ratio, met }
    }
}

/// 事業場訪問による相談対応の割合 (seed 001: 2割以上).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VisitShare {
    /// 0.2
    pub target: f64,
    /// 事業場訪問 sessions ÷ all consultation sessions: the share the report states.
    pub by_sessions: ShareOfTotal,
    /// 事業場訪問 consultations ÷ all consultations.
    pub by_records: ShareOfTotal,
    /// The target is met (by sessions).
    pub met: bool,
}

/// 地域産業保健事業実績報告書 for one fiscal year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnnualReport {
    pub fiscal_year: i32,
    /// 令和7年度
    pub fiscal_year_label: String,
    pub period_from: Date,
    pub period_to: Date,
    /// 令和7年4月1日 ～ 令和8年3月31日
    pub period_label: String,
    /// I-1 実施機関（委託先）名 (setting `centre_name`)
    pub centre_name: String,
    /// I-2 労働局名 (setting `labour_bureau_name`; blank when not set)
    pub labour_bureau: String,
    /// I-3 圏域の数 (setting `zone_count`; blank when not set)
    pub zone_count: String,
    /// I-4 従事者
    pub staff: StaffCounts,
    /// II-1 特定健康相談
    pub consultations: ConsultationTotals,
    /// II-2 面接指導
    pub interviews: InterviewTotals,
    /// II-3 協議会
    pub councils: CouncilCounts,
    /// III コーディネーター
    pub coordinator_days: CoordinatorDays,
    /// IV その他
    pub other_work: OtherWork,
    /// 事業場訪問の割合 (目標2割以上)
    pub workplace_visit_share: VisitShare,
    /// Consultations and interviews of the year still in draft: not counted.
    pub pending_drafts: AnnualCount,
}

impl AnnualReport {
    /// The report as pretty JSON: every number with the ids it counted.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the annual report serialises")
    }

    /// The report as an XLSX workbook laid out like the 別添3 様式.
    pub fn to_xlsx(&self) -> Result<Vec<u8>> {
        xlsx::write(&layout(self))
    }

    /// The number of records the report counted (consultations and interviews).
    pub fn records_counted(&self) -> u64 {
        self.consultations.records.value + self.interviews.records.value
    }
}

// --- Computing -------------------------------------------------------------------------------

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
    Ok(c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get::<_, String>(0)).optional()?.unwrap_or_default())
}

fn staff_counts(c: &Connection) -> Result<StaffCounts> {
    // 別添3 says 「統括兼務のコーディネーターは2名と計上」: a chief coordinator who also works as a
    // coordinator counts twice. The staff list does not record that double duty, so each row
    // counts once under its role; a centre whose chief also coordinates adds one by hand.
    let mut out = StaffCounts::default();
    let mut stmt = c.prepare("SELECT id, role FROM staff ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (id, role) = row?;
        match serde_json::from_value::<StaffRole>(serde_json::Value::String(role)).ok() {
            Some(StaffRole::Doctor) => out.doctors.add(&id, 1),
            Some(StaffRole::Nurse) => out.nurses.add(&id, 1),
            Some(StaffRole::Coordinator) => out.coordinators.add(&id, 1),
            Some(StaffRole::ChiefCoordinator) => {
                out.coordinators.add(&id, 1);
                out.chief_coordinators.add(&id, 1);
            }
            None => {}
        }
    }
    Ok(out)
}

fn parse_place(s: Option<String>) -> Option<Place> {
    s.and_then(|p| Place::ALL.iter().copied().find(|x| x.as_str() == p))
}

/// A finalised consultation or interview as the annual report reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnualRow {
    pub id: String,
    pub performed_on: Option<String>,
    pub place: Option<String>,
    pub doctor_id: Option<String>,
    /// The version's content (`VersionContent` JSON).
    pub content: String,
}

/// Where a centre's consolidated records come from.
pub(crate) enum Consolidated<'a> {
    /// This store's own consolidated tables.
    Local,
    /// Rows read from a shared database.
    Rows(&'a [AnnualRow]),
}

fn compute(c: &Connection, fy: i32, consolidated: Consolidated) -> Result<AnnualReport> {
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
    let mut long_hours = AnnualCount::default();
    let mut other_long_hours = AnnualCount::default();
    let mut high_stress = AnnualCount::default();
    {
        // The centre's own records, and on a centre the records consolidated from its devices
        // (from this store's tables, or read from a shared database by the caller).
        let local = matches!(consolidated, Consolidated::Local);
        let mut stmt = c.prepare(&format!(
            "SELECT r.id, r.performed_on, r.place, r.doctor_id, v.content \
             FROM records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.version \
             WHERE r.fiscal_year = ?1 AND r.status = 'final' AND r.kind IN ('consultation', 'interview') {}",
            if local {
                format!(
                    "UNION ALL SELECT record_id, performed_on, place, doctor_id, content FROM ({}) WHERE performed_fy = ?1 AND kind IN ('consultation', 'interview')",
                    crate::delivery::consolidated::CURRENT
                )
            } else {
                String::new()
            }
        ))?;
        let mut rows: Vec<AnnualRow> = stmt
            .query_map([fy], |r| Ok(AnnualRow { id: r.get(0)?, performed_on: r.get(1)?, place: r.get(2)?, doctor_id: r.get(3)?, content: r.get(4)? }))?
            .collect::<rusqlite::Result<_>>()?;
        if let Consolidated::Rows(extra) = consolidated {
            rows.extend(extra.iter().cloned());
        }
        rows.sort_by(|a, b| (&a.performed_on, &a.id).cmp(&(&b.performed_on, &b.id)));
        for r in rows {
            let id = r.id;
            let Some(date) = r.performed_on.as_deref().and_then(|d| d.parse::<Date>().ok()) else { continue };
            let place = parse_place(r.place);
            let doctor: Option<String> = r.doctor_id;
            let json = r.content.as_str();
            let content: SlimContent = serde_json::from_str(json).map_err(|e| Error::from_json(&e))?;
            match content.body {
                SlimBody::Consultation(b) => {
                    c_records.add(&id, 1);
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
                    i_sessions.add(date, place, &b.place_name, doctor, &id);
                    let tally: Option<&mut AnnualCount> = match b.kind {
                        // 66条の8の2 and 66条の8の4 are the 66条の8 family's interviews without a request.
                        Some(InterviewKind::LongHours | InterviewKind::ResearchOver100 | InterviewKind::HighlyProfessional) => Some(&mut long_hours),
                        Some(InterviewKind::OtherLongHours) => Some(&mut other_long_hours),
                        Some(InterviewKind::HighStress) => Some(&mut high_stress),
                        None => None,
                    };
                    if let Some(t) = tally {
                        t.add(&id, 1);
                    }
                }
                SlimBody::Application(_) => {}
            }
        }
    }

    let mut pending_drafts = AnnualCount::default();
    {
        let mut stmt = c.prepare(
            "SELECT id FROM records WHERE fiscal_year = ?1 AND status = 'draft' AND kind IN ('consultation', 'interview') ORDER BY performed_on, id",
        )?;
        let rows = stmt.query_map([fy], |r| r.get::<_, String>(0))?;
        for id in rows {
            pending_drafts.add(&id?, 1);
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

    let consultation_sessions = c_sessions.finish(PlanItem::ConsultationSessions, &plans);
    let by_sessions = ShareOfTotal::of_visits(consultation_sessions.workplace_visit.clone(), consultation_sessions.total.actual.clone());
    let by_records = ShareOfTotal::of_visits(visit_records, c_records.clone());
    let workplace_visit_share = VisitShare { target: VISIT_SHARE_TARGET, met: by_sessions.met, by_sessions, by_records };

    Ok(AnnualReport {
        fiscal_year: fy,
        fiscal_year_label: wareki::format_fiscal_year(fy),
        period_from: from,
        period_to: to,
        period_label: format!("{} ～ {}", from.wareki(), to.wareki()),
        centre_name: setting(c, SETTING_CENTRE_NAME)?,
        labour_bureau: setting(c, SETTING_LABOUR_BUREAU)?,
        zone_count: setting(c, SETTING_ZONE_COUNT)?,
        staff: staff_counts(c)?,
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
            long_hours: planned(PlanItem::InterviewLongHours, &plans, long_hours),
            other_long_hours: planned(PlanItem::InterviewOtherLongHours, &plans, other_long_hours),
            high_stress: planned(PlanItem::InterviewHighStress, &plans, high_stress),
        },
        councils,
        coordinator_days,
        other_work,
        workplace_visit_share,
        pending_drafts,
    })
}

impl Store {
    /// The annual report (別添3) of a fiscal year, from the finalised records, the staff list,
    /// the activities and the plans, read in one snapshot.
    pub fn annual_report(&self, fiscal_year: i32) -> Result<AnnualReport> {
        self.annual_report_with(fiscal_year, Consolidated::Local)
    }

    /// The annual report with the records consolidated in a shared database: the centre's own
    /// records, staff, activities and plans from this store, the devices' records from `source`.
    pub fn annual_report_from(&self, source: &mut dyn crate::delivery::consolidation::Consolidation, fiscal_year: i32) -> Result<AnnualReport> {
        match source.annual_rows(fiscal_year)? {
            None => self.annual_report(fiscal_year),
            Some(rows) => self.annual_report_with(fiscal_year, Consolidated::Rows(&rows)),
        }
    }

    fn annual_report_with(&self, fiscal_year: i32, consolidated: Consolidated) -> Result<AnnualReport> {
        self.read(|c| {
            let tx = c.unchecked_transaction()?;
            let report = compute(&tx, fiscal_year, consolidated)?;
            tx.finish()?;
            Ok(report)
        })
    }

    /// Compute the annual report and write it as XLSX (the 様式 for the 労働局) and, when asked,
    /// as JSON (every number with the ids it counted). Each file is written atomically. The
    /// export is recorded in the audit log (the year and the formats; no names, no paths).
    pub fn write_annual_report(&self, fiscal_year: i32, xlsx: &Path, json: Option<&Path>) -> Result<AnnualReport> {
        self.write_annual_report_from(&mut crate::delivery::consolidation::sqlite::SqliteConsolidation(self), fiscal_year, xlsx, json)
    }

    /// As `write_annual_report`, with the records consolidated in `source`.
    pub fn write_annual_report_from(
        &self,
        source: &mut dyn crate::delivery::consolidation::Consolidation,
        fiscal_year: i32,
        xlsx: &Path,
        json: Option<&Path>,
    ) -> Result<AnnualReport> {
        let report = self.annual_report_from(source, fiscal_year)?;
        let book = report.to_xlsx()?;
        let text = json.map(|_| report.to_json());
        atomic::write_file(xlsx, &book)?;
        let json_result = match (json, &text) {
            (Some(path), Some(text)) => atomic::write_file(path, text.as_bytes()).map(|_| true),
            _ => Ok(false),
        };
        let formats: Vec<&str> = if matches!(json_result, Ok(true)) { vec!["xlsx", "json"] } else { vec!["xlsx"] };
        self.log_output(
            Action::Export,
            self.store_id(),
            serde_json::json!({ "report": "annual_report", "fiscal_year": fiscal_year, "formats": formats, "records": report.records_counted() }),
        )?;
        json_result?;
        Ok(report)
    }
}

// --- Layout ----------------------------------------------------------------------------------

/// A value in the 計画 or 実績 column.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    None,
    Int(u64),
    Percent(f64),
    Text(String),
}

impl Val {
    fn plan(p: Option<u32>) -> Val {
        p.map(|n| Val::Int(u64::from(n))).unwrap_or(Val::None)
    }

    fn shown(&self) -> String {
        match self {
            Val::None => String::new(),
            Val::Int(n) => n.to_string(),
            Val::Percent(p) => format!("{:.1}%", p * 100.0),
            Val::Text(s) => s.clone(),
        }
    }
}

/// One line of the sheet.
#[derive(Debug, Clone, PartialEq)]
enum Line {
    Title(String),
    Period(String),
    /// I 基本的事項, II 事業実績 …
    Section(String),
    /// 1 特定健康相談 …
    Sub(String),
    /// A caption over a table (場所別開催回数) or a free sentence.
    Caption(String),
    /// A table header: 区分 / 計画 / 実績 / 単位 / 備考.
    Header([&'static str; COLS]),
    /// A label with a value across the other columns (I-1 to I-3).
    Field {
        label: String,
        value: String,
    },
    /// A row of a table.
    Item {
        label: String,
        plan: Val,
        actual: Val,
        unit: String,
        note: String,
    },
    Blank,
}

const COLS: usize = 5;
const TABLE_HEADER: [&str; COLS] = ["区分", "計画", "実績", "単位", "備考"];

fn item(label: &str, plan: Val, actual: Val, unit: &str, note: &str) -> Line {
    Line::Item { label: label.to_string(), plan, actual, unit: unit.to_string(), note: note.to_string() }
}

fn count_item(label: &str, p: &PlannedCount, unit: &str, note: &str) -> Line {
    item(label, Val::plan(p.planned), Val::Int(p.actual.value), unit, note)
}

fn session_lines(out: &mut Vec<Line>, s: &SessionsByPlace) {
    out.push(Line::Caption("場所別開催回数".into()));
    out.push(Line::Header(TABLE_HEADER));
    for place in Place::ALL {
        out.push(item(place.label(), Val::None, Val::Int(s.at(*place).value), "回", ""));
    }
    out.push(count_item("計", &s.total, "回", ""));
}

fn share_note(v: &VisitShare) -> String {
    let verdict = if v.met { "達成" } else { "未達成" };
    let s = &v.by_sessions;
    let r = &v.by_records;
    let by_records = match r.ratio {
        Some(p) => format!("{:.1}%", p * 100.0),
        None => "—".into(),
    };
    format!("{verdict}（事業場訪問{}回／計{}回。件数では{}件／{}件 = {by_records}）", s.part.value, s.whole.value, r.part.value, r.whole.value)
}

/// The report as the lines of the 別添3 様式, in order.
fn layout(r: &AnnualReport) -> Vec<Line> {
    let mut out = vec![
        Line::Title("地域産業保健事業実績報告書".into()),
        Line::Period(format!("期間：{}", r.period_label)),
        Line::Blank,
        Line::Section("I 基本的事項".into()),
        Line::Field { label: "1 実施機関（委託先）名".into(), value: r.centre_name.clone() },
        Line::Field { label: "2 労働局名".into(), value: r.labour_bureau.clone() },
        Line::Field { label: "3 圏域の数".into(), value: r.zone_count.clone() },
        Line::Caption("4 従事者".into()),
        Line::Header(TABLE_HEADER),
        item("産業医の人数", Val::None, Val::Int(r.staff.doctors.value), "人", ""),
        item("保健師の人数", Val::None, Val::Int(r.staff.nurses.value), "人", ""),
        item("コーディネーターの人数（統括を含む）", Val::None, Val::Int(r.staff.coordinators.value), "人", "※統括兼務のコーディネーターは2名と計上"),
        Line::Blank,
        Line::Section("II 事業実績".into()),
        Line::Sub("1 特定健康相談".into()),
    ];
    let c = &r.consultations;
    session_lines(&mut out, &c.sessions);
    let share = &r.workplace_visit_share;
    out.push(item(
        "事業場訪問の割合（目標2割以上）",
        Val::Percent(share.target),
        share.by_sessions.ratio.map(Val::Percent).unwrap_or(Val::Text("—".into())),
        "",
        &share_note(share),
    ));
    out.push(Line::Caption("相談実施件数".into()));
    out.push(Line::Header(TABLE_HEADER));
    out.push(count_item("①健診結果に基づく医師の意見 相談事業場数（延べ）", &c.opinion_workplaces, "事業場", "※2回以上実施した事業場はそれぞれ計上"));
    out.push(count_item("　意見対象労働者数（延べ）", &c.opinion_workers, "人", ""));
    out.push(count_item("②脳心臓疾患有リスク者保健指導（延べ）", &c.health_guidance, "人", "※同一労働者が2回以上対象となった場合はそれぞれ計上"));
    out.push(count_item("③メンタル不調者相談・指導（延べ）", &c.mental_health, "人", "（同上）"));
    out.push(Line::Blank);
    out.push(Line::Sub("2 面接指導".into()));
    let i = &r.interviews;
    session_lines(&mut out, &i.sessions);
    out.push(Line::Caption("面接指導実施人数".into()));
    out.push(Line::Header(TABLE_HEADER));
    out.push(count_item("①長時間労働の申出者（法66条の8）（延べ）", &i.long_hours, "人", "※同一労働者に2回以上実施した場合はそれぞれ計上"));
    out.push(count_item("②その他長時間労働者等（法66条の9）（延べ）", &i.other_long_hours, "人", "（同上）"));
    out.push(count_item("高ストレス者（法66条の10）（延べ）", &i.high_stress, "人", "（同上）"));
    out.push(Line::Blank);
    out.push(Line::Sub("3 地域産業保健事業運営協議会".into()));
    out.push(Line::Caption("開催回数".into()));
    out.push(Line::Header(TABLE_HEADER));
    out.push(item("都道府県単位の協議会", Val::None, Val::Int(r.councils.prefecture.value), "回", ""));
    out.push(item("圏域単位の協議会", Val::None, Val::Int(r.councils.zone.value), "回", ""));
    out.push(Line::Blank);
    out.push(Line::Section("III コーディネーター".into()));
    out.push(Line::Header(TABLE_HEADER));
    out.push(item("活動日数（延べ）", Val::None, Val::Int(r.coordinator_days.total.value), "日", "※各コーディネーター（統括を含む）の活動日数の合計"));
    out.push(Line::Blank);
    out.push(Line::Section("IV その他".into()));
    out.push(Line::Caption("上記以外の業務を行った場合は以下に内容及び回数等を記載ください。".into()));
    out.push(Line::Header(["内容", "", "回数", "", "実施日"]));
    if r.other_work.items.is_empty() {
        out.push(item("（なし）", Val::None, Val::None, "", ""));
    }
    for w in &r.other_work.items {
        out.push(item(&w.description, Val::None, Val::Int(u64::from(w.count)), "回", &w.held_on.wareki()));
    }
    out
}

/// Column widths in Excel's units (the width of a digit of the default 11 pt font), sized so
/// that the sheet fits A4 portrait at about 100% (some 95 units across): text is measured by
/// East Asian width (a full-width character counts two), a full-width glyph is a little wider
/// than two digits, the notes are set in 9 pt, and long labels and notes wrap at the cap.
fn column_widths(lines: &[Line]) -> [f64; COLS] {
    const MIN: [f64; COLS] = [24.0, 8.0, 8.0, 6.0, 12.0];
    const MAX: [f64; COLS] = [40.0, 10.0, 10.0, 7.0, 32.0];
    const SCALE: [f64; COLS] = [1.1, 1.1, 1.1, 1.1, 0.9];
    let mut w = MIN;
    let mut fit = |col: usize, s: &str| {
        let units = UnicodeWidthStr::width(s) as f64 * SCALE[col] + 1.0;
        w[col] = w[col].max(units.min(MAX[col]));
    };
    for l in lines {
        match l {
            Line::Header(h) => h.iter().enumerate().for_each(|(i, s)| fit(i, s)),
            Line::Field { label, .. } => fit(0, label),
            Line::Item { label, plan, actual, unit, note } => {
                fit(0, label);
                fit(1, &plan.shown());
                fit(2, &actual.shown());
                fit(3, unit);
                fit(4, note);
            }
            _ => {}
        }
    }
    w
}

mod xlsx {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

    use super::{column_widths, Line, Val, COLS};
    use crate::error::{Error, Result};

    /// A4 in Excel's paper codes.
    const A4: u8 = 9;
    pub(super) const SHEET: &str = "実績報告書";

    fn err(e: XlsxError) -> Error {
        Error::Xlsx(e.to_string())
    }

    pub(super) fn write(lines: &[Line]) -> Result<Vec<u8>> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        fill(sheet, lines).map_err(err)?;
        book.save_to_buffer().map_err(err)
    }

    fn fill(ws: &mut Worksheet, lines: &[Line]) -> std::result::Result<(), XlsxError> {
        ws.set_name(SHEET)?;
        ws.set_paper_size(A4);
        ws.set_portrait();
        ws.set_print_fit_to_pages(1, 0);
        ws.set_print_center_horizontally(true);
        ws.set_margins(0.6, 0.6, 0.75, 0.75, 0.3, 0.3);
        ws.set_footer("&C&P / &N");
        for (i, w) in column_widths(lines).iter().enumerate() {
            ws.set_column_width(i as u16, *w)?;
        }
        let base = Format::new().set_align(FormatAlign::VerticalCenter);
        let title = base.clone().set_bold().set_font_size(14).set_align(FormatAlign::Center);
        let period = base.clone().set_align(FormatAlign::Right);
        let section = base.clone().set_bold().set_font_size(12);
        let sub = base.clone().set_bold();
        let caption = base.clone();
        let cell = base.clone().set_border(FormatBorder::Thin);
        let header = cell.clone().set_bold().set_align(FormatAlign::Center).set_background_color(0xF2F2F2);
        let label = cell.clone().set_text_wrap();
        let number = cell.clone().set_num_format("#,##0").set_align(FormatAlign::Right);
        let percent = cell.clone().set_num_format("0.0%").set_align(FormatAlign::Right);
        let text_right = cell.clone().set_align(FormatAlign::Right);
        let unit = cell.clone().set_align(FormatAlign::Center);
        let note = cell.clone().set_text_wrap().set_font_size(9);
        let last = (COLS - 1) as u16;

        for (row, line) in lines.iter().enumerate() {
            let row = row as u32;
            match line {
                Line::Title(s) => {
                    ws.merge_range(row, 0, row, last, s, &title)?;
                    ws.set_row_height(row, 24)?;
                }
                Line::Period(s) => {
                    ws.merge_range(row, 0, row, last, s, &period)?;
                }
                Line::Section(s) => {
                    ws.write_string_with_format(row, 0, s, &section)?;
                    ws.set_row_height(row, 20)?;
                }
                Line::Sub(s) => {
                    ws.write_string_with_format(row, 0, s, &sub)?;
                }
                Line::Caption(s) => {
                    ws.write_string_with_format(row, 0, s, &caption)?;
                }
                Line::Header(h) => {
                    for (col, s) in h.iter().enumerate() {
                        ws.write_string_with_format(row, col as u16, *s, &header)?;
                    }
                }
                Line::Field { label: l, value } => {
                    ws.write_string_with_format(row, 0, l, &label)?;
                    ws.merge_range(row, 1, row, last, value, &cell)?;
                }
                Line::Item { label: l, plan, actual, unit: u, note: n } => {
                    ws.write_string_with_format(row, 0, l, &label)?;
                    for (col, v) in [(1u16, plan), (2, actual)] {
                        match v {
                            Val::None => ws.write_blank(row, col, &cell)?,
                            Val::Int(x) => ws.write_number_with_format(row, col, *x as f64, &number)?,
                            Val::Percent(p) => ws.write_number_with_format(row, col, *p, &percent)?,
                            Val::Text(s) => ws.write_string_with_format(row, col, s, &text_right)?,
                        };
                    }
                    ws.write_string_with_format(row, 3, u, &unit)?;
                    ws.write_string_with_format(row, 4, n, &note)?;
                }
                Line::Blank => {}
            }
        }
        Ok(())
    }
}

/// The name of the worksheet the report is written to.
pub const XLSX_SHEET: &str = xlsx::SHEET;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_east_asian_width() {
        let long = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも";
        let w = column_widths(&[item(long, Val::None, Val::Int(1), "回", "")]);
        // 30 full-width characters are 60 columns wide: capped at 40 (the label wraps).
        assert_eq!(w[0], 40.0);
        let w = column_widths(&[item("保健師の人数", Val::None, Val::Int(1), "回", "")]);
        assert_eq!(w[0], 24.0, "short labels keep the minimum");
        let w = column_widths(&[item("コーディネーターの人数", Val::None, Val::Int(1), "事業場", "")]);
        assert!((w[0] - (22.0 * 1.1 + 1.0)).abs() < 1e-9, "{w:?}");
        assert!((w[3] - 7.0).abs() < 1e-9, "{w:?}");
        // However long the texts, the sheet stays about as wide as A4 portrait.
        let w = column_widths(&[item(long, Val::Int(1_000_000), Val::Int(1_000_000), long, long)]);
        assert!(w.iter().sum::<f64>() <= 100.0, "{w:?}");
    }

    #[test]
    fn exactly_a_fifth_meets_the_target() {
        let n = |v: u64| AnnualCount { value: v, ids: vec![] };
        assert!(ShareOfTotal::of_visits(n(2), n(10)).met);
        assert!(!ShareOfTotal::of_visits(n(1), n(6)).met);
        let none = ShareOfTotal::of_visits(n(0), n(0));
        assert!(!none.met);
        assert_eq!(none.ratio, None);
    }
}
