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
//!   - 面接指導実施人数: each interview counts one worker under its article, on the row of the
//!     sheet [`sheet_row`] gives it (① 66条の8, ② 66条の9; 66条の10 under 参考).
//! - **従事者**: each row of the staff list counts once under its role (産業医 = 医師, 保健師,
//!   コーディネーター = コーディネーター + 統括コーディネーター), except that a 統括 marked
//!   コーディネーター兼務 counts 2, as the sheet's note says (see `staff`).
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
//!
//! # Modules
//!
//! - `compute`: the counts from the store; [`sheet_row`] says on which row each kind of
//!   interview is counted.
//! - `staff`: I-4 従事者, as the sheet's note says.
//! - `identity`: the settings 労働局名 and 圏域の数, checked.
//! - `layout`: the lines of the sheet, in the 様式's order and words, then the 参考 lines.
//! - `xlsx`: the lines as an Excel sheet.
//! - `months`: the year month by month (records by kind, 事業場訪問 sessions) for the screen's
//!   chart; not a line of the sheet.

mod compute;
pub mod identity;
mod layout;
mod months;
pub mod staff;
pub mod visits;
mod xlsx;

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::{Date, InterviewKind, Place};
use crate::error::Result;
use crate::store::activities::PlanItem;
use crate::store::{atomic, Action, Store};

use compute::compute;
pub(crate) use compute::Consolidated;
pub use compute::{sheet_row, AnnualRow};
pub use layout::{SUPPLEMENT_HEADING, SUPPLEMENT_NOTE};
pub use months::MonthCounts;

/// The FY2023 target for the share of consultations held at the workplace: 2割以上.
pub const VISIT_SHARE_TARGET: f64 = 0.2;
/// The settings the report reads for section I: 1 実施機関（委託先）名, 2 労働局名, 3 圏域の数
/// (the last two set and checked in [`identity`]).
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
    /// Of those, 統括兼務のコーディネーター: each counted 2 in `coordinators`.
    #[serde(default)]
    pub concurrent_chief_coordinators: AnnualCount,
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
    /// 法66条の10 高ストレス者 (延べ): not a row of the sheet; printed under 参考.
    pub high_stress: PlannedCount,
    /// Every kind of interview (延べ), with the row of the sheet it is counted on.
    #[serde(default)]
    pub by_kind: Vec<InterviewKindCount>,
}

/// Where a kind of interview is counted on the sheet (see [`sheet_row`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InterviewRow {
    /// II-2 ① 100時間超申し出者(法66条の8)
    LongHours,
    /// II-2 ② その他長時間労働者等(法66条の9)
    OtherLongHours,
    /// Not a row of the sheet: under 参考（本報告書の様式外）.
    Supplementary,
}

/// The interviews of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InterviewKindCount {
    pub kind: InterviewKind,
    pub row: InterviewRow,
    /// 計画, when one was set for the year.
    pub planned: Option<u32>,
    /// 実績 (延べ)
    pub actual: AnnualCount,
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
    /// The year month by month, April to March: records by kind and 事業場訪問 sessions (the
    /// screen's chart; not on the sheet).
    #[serde(default)]
    pub by_month: Vec<MonthCounts>,
    /// Consultations and interviews of the year still in draft: not counted.
    pub pending_drafts: AnnualCount,
    /// 訪問指導の補足: not part of the 別添3 sheet (issue 16).
    #[serde(default)]
    pub visits: visits::VisitCounts,
    /// The fields of section I that are blank because nothing sets them yet, each with how to
    /// set it: the sheet should not be sent so.
    #[serde(default)]
    pub unset_fields: Vec<String>,
}

impl AnnualReport {
    /// The report as pretty JSON: every number with the ids it counted.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the annual report serialises")
    }

    /// The report as an XLSX workbook laid out like the 別添3 様式.
    pub fn to_xlsx(&self) -> Result<Vec<u8>> {
        xlsx::write(&layout::layout(self), &self.visits, &self.fiscal_year_label)
    }

    /// The number of records the report counted (consultations and interviews).
    pub fn records_counted(&self) -> u64 {
        self.consultations.records.value + self.interviews.records.value
    }
}

/// The 実績報告書 of a fiscal year, from this store or a centre's consolidated records.
pub trait AnnualReports {
    /// The annual report (別添3) of a fiscal year, from the finalised records, the staff list,
    /// the activities and the plans, read in one snapshot.
    fn annual_report(&self, fiscal_year: i32) -> Result<AnnualReport>;

    /// The annual report with the records consolidated in a shared database: the centre's own
    /// records, staff, activities and plans from this store, the devices' records from `source`.
    fn annual_report_from(&self, source: &mut dyn crate::ledger::ReportSource, fiscal_year: i32) -> Result<AnnualReport>;

    /// Compute the annual report and write it as XLSX (the 様式 for the 労働局) and, when asked,
    /// as JSON (every number with the ids it counted). Each file is written atomically. The
    /// export is recorded in the audit log (the year and the formats; no names, no paths).
    fn write_annual_report(&self, fiscal_year: i32, xlsx: &Path, json: Option<&Path>) -> Result<AnnualReport>;

    /// As `write_annual_report`, with the records consolidated in `source`.
    fn write_annual_report_from(
        &self,
        source: &mut dyn crate::ledger::ReportSource,
        fiscal_year: i32,
        xlsx: &Path,
        json: Option<&Path>,
    ) -> Result<AnnualReport>;
}

impl AnnualReports for Store {
    fn annual_report(&self, fiscal_year: i32) -> Result<AnnualReport> {
        self.annual_report_from(&mut crate::ledger::ThisStore(self), fiscal_year)
    }

    fn annual_report_from(&self, source: &mut dyn crate::ledger::ReportSource, fiscal_year: i32) -> Result<AnnualReport> {
        use crate::ledger::{LedgerFilter, LedgerKind};
        // Every finalised visit, all years ("first time" looks back): this store's own (and those
        // it consolidated), and a shared database's when the report reads one.
        let mut visit_entries = self.ledger_entries(crate::domain::RecordKind::Visit, &LedgerFilter::default().rows())?;
        let mut report = match source.annual_rows(fiscal_year)? {
            None => self.annual_report_with(fiscal_year, Consolidated::Local)?,
            Some(rows) => {
                visit_entries.extend(source.ledger(LedgerKind::Visit, &LedgerFilter::default())?.entries);
                self.annual_report_with(fiscal_year, Consolidated::Rows(&rows))?
            }
        };
        report.visits = visits::VisitCounts::of(&visit_entries, fiscal_year);
        // Each counted visit once (by its id), even when two sources hold it.
        let mut seen = std::collections::HashSet::new();
        let counted: Vec<&crate::domain::Visit> = visit_entries
            .iter()
            .filter(|e| report.visits.visits.ids.contains(&e.record_id) && seen.insert(e.record_id.as_str()))
            .filter_map(|e| match &e.content.body {
                crate::domain::RecordBody::Visit(v) => Some(v),
                _ => None,
            })
            .collect();
        months::count_visits(&mut report.by_month, &counted);
        Ok(report)
    }

    fn write_annual_report(&self, fiscal_year: i32, xlsx: &Path, json: Option<&Path>) -> Result<AnnualReport> {
        self.write_annual_report_from(&mut crate::ledger::ThisStore(self), fiscal_year, xlsx, json)
    }

    fn write_annual_report_from(
        &self,
        source: &mut dyn crate::ledger::ReportSource,
        fiscal_year: i32,
        xlsx: &Path,
        json: Option<&Path>,
    ) -> Result<AnnualReport> {
        let report = self.annual_report_from(source, fiscal_year)?;
        let book = report.to_xlsx()?;
        let text = json.map(|_| report.to_json());
        crate::progress::checkpoint()?;
        crate::progress::no_longer_cancellable();
        crate::progress::step(crate::ledger::export::WRITING, 0, 1);
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

/// The steps of [`AnnualReports`], private to this module.
trait AnnualReportsSteps {
    fn annual_report_with(&self, fiscal_year: i32, consolidated: Consolidated) -> Result<AnnualReport>;
}

impl AnnualReportsSteps for Store {
    fn annual_report_with(&self, fiscal_year: i32, consolidated: Consolidated) -> Result<AnnualReport> {
        self.read(|c| {
            let tx = c.unchecked_transaction()?;
            let report = compute(&tx, fiscal_year, consolidated)?;
            tx.finish()?;
            Ok(report)
        })
    }
}

/// The name of the worksheet the report is written to.
pub const XLSX_SHEET: &str = xlsx::SHEET;
/// The name of the worksheet of 訪問指導の補足.
pub const XLSX_VISITS_SHEET: &str = xlsx::VISITS_SHEET;

#[cfg(test)]
mod tests {
    use super::*;

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
