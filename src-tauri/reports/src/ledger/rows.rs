//! The two ledgers of seed 002, built from the latest finalised version of each record (its body
//! and the snapshot of the people and places it named), with the 番号 given at the first 確定.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::fiscal::fiscal_year_range;
use crate::domain::{wareki, Code, Date, RecordBody, RecordKind, VersionContent};
use crate::error::Result;
use crate::store::report_rows::RowFilter;
use crate::store::Store;

use super::table::{Cell, Column, Table};

/// Which ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LedgerKind {
    /// 様式例1-3 特定健康相談実施台帳
    Consultation,
    /// 様式例2-4 面接指導実施台帳
    Interview,
    /// 訪問指導実施台帳 (no MHLW 様式: the centre's own ledger of site visits, issue 16)
    Visit,
}

impl LedgerKind {
    pub fn title(self) -> &'static str {
        match self {
            LedgerKind::Consultation => "特定健康相談実施台帳",
            LedgerKind::Interview => "面接指導実施台帳",
            LedgerKind::Visit => "訪問指導実施台帳",
        }
    }

    pub fn form_no(self) -> &'static str {
        match self {
            LedgerKind::Consultation => "様式例1-3",
            LedgerKind::Interview => "様式例2-4",
            LedgerKind::Visit => "訪問指導・職場巡視",
        }
    }

    pub fn record_kind(self) -> RecordKind {
        match self {
            LedgerKind::Consultation => RecordKind::Consultation,
            LedgerKind::Interview => RecordKind::Interview,
            LedgerKind::Visit => RecordKind::Visit,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.record_kind().as_str()
    }
}

/// Which records a ledger shows: a fiscal year or a period, and optionally one doctor or workplace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
#[ts(export)]
pub struct LedgerFilter {
    pub fiscal_year: Option<i32>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub doctor_id: Option<String>,
    pub workplace_id: Option<String>,
}

impl LedgerFilter {
    /// The period covered: the fiscal year narrowed by from/to.
    pub(crate) fn period(&self) -> (Option<Date>, Option<Date>) {
        let (mut from, mut to) = (self.from, self.to);
        if let Some(fy) = self.fiscal_year {
            let (a, b) = fiscal_year_range(fy);
            from = Some(from.map_or(Date(a), |f| f.max(Date(a))));
            to = Some(to.map_or(Date(b), |t| t.min(Date(b))));
        }
        (from, to)
    }

    /// The records the filter covers, as the store reads them.
    pub fn rows(&self) -> RowFilter {
        let (from, to) = self.period();
        RowFilter { from, to, doctor_id: self.doctor_id.clone(), workplace_id: self.workplace_id.clone() }
    }

    /// 令和7年度, 令和7年4月1日～令和7年9月30日, or 全期間.
    pub fn describe(&self) -> String {
        match (self.fiscal_year, self.from, self.to) {
            (Some(fy), None, None) => wareki::format_fiscal_year(fy),
            _ => match self.period() {
                (Some(f), Some(t)) => format!("{}～{}", f.wareki(), t.wareki()),
                (Some(f), None) => format!("{}～", f.wareki()),
                (None, Some(t)) => format!("～{}", t.wareki()),
                (None, None) => "全期間".to_string(),
            },
        }
    }
}

/// One line of a ledger: its number and the finalised version it shows.
pub use crate::store::report_rows::LedgerEntry;

/// A ledger: its entries in number order.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Ledger {
    pub kind: LedgerKind,
    pub filter: LedgerFilter,
    pub entries: Vec<LedgerEntry>,
}

/// The 台帳 of the store's finalised records.
pub trait Ledgers {
    /// The ledger of `kind` for the filter, from finalised records only. On a centre's store,
    /// the records consolidated from its devices are in it too, numbered in the same sequence.
    fn ledger(&self, kind: LedgerKind, filter: &LedgerFilter) -> Result<Ledger>;
}

impl Ledgers for Store {
    fn ledger(&self, kind: LedgerKind, filter: &LedgerFilter) -> Result<Ledger> {
        let entries = self.ledger_entries(kind.record_kind(), &filter.rows())?;
        Ok(Ledger { kind, filter: filter.clone(), entries })
    }
}

fn contact(v: &VersionContent) -> (String, String, String, String, String) {
    let wp = v.snapshot.workplace.clone().unwrap_or_default();
    let contact = [wp.contact_title.as_str(), wp.contact_name.as_str()].join(" ").trim().to_string();
    (wp.name, wp.address, contact, wp.phone, wp.fax)
}

fn amended_mark(e: &LedgerEntry) -> Cell {
    Cell::text(if e.amended { format!("訂正（第{}版）", e.version) } else { String::new() })
}

impl Ledger {
    /// The ledger as a table, with the columns of seed 002.
    pub fn table(&self) -> Table {
        let subtitle = self.filter.describe();
        match self.kind {
            LedgerKind::Consultation => Table {
                title: self.kind.title().into(),
                subtitle,
                columns: [
                    ("番号", 6),
                    ("受付日", 12),
                    ("実施日", 12),
                    ("相談者 氏名", 12),
                    ("相談者 区分", 10),
                    ("事業場 名称", 20),
                    ("所在地", 22),
                    ("連絡担当者", 12),
                    ("電話", 12),
                    ("FAX", 12),
                    ("相談事項", 24),
                    ("担当産業医等", 10),
                    ("備考", 20),
                    ("訂正", 8),
                ]
                .iter()
                .map(|(h, w)| Column::new(h, *w))
                .collect(),
                rows: self.entries.iter().filter_map(consultation_row).collect(),
            },
            LedgerKind::Interview => Table {
                title: self.kind.title().into(),
                subtitle,
                columns: [
                    ("番号", 6),
                    ("受付日", 12),
                    ("実施日", 12),
                    ("指導対象者 氏名", 12),
                    ("年齢", 5),
                    ("性別", 5),
                    ("事業場 名称", 20),
                    ("所在地", 22),
                    ("連絡担当者", 12),
                    ("電話", 12),
                    ("FAX", 12),
                    ("面接指導の区分", 10),
                    ("診断区分", 8),
                    ("就業区分", 10),
                    ("指導区分", 12),
                    ("担当産業医", 10),
                    ("訂正", 8),
                ]
                .iter()
                .map(|(h, w)| Column::new(h, *w))
                .collect(),
                rows: self.entries.iter().filter_map(interview_row).collect(),
            },
            LedgerKind::Visit => Table {
                title: self.kind.title().into(),
                subtitle,
                columns: [
                    ("番号", 6),
                    ("訪問日", 12),
                    ("事業場 名称", 20),
                    ("所在地", 22),
                    ("担当", 10),
                    ("同行者", 16),
                    ("実施内容", 24),
                    ("指摘事項", 6),
                    ("前回指摘の改善済", 8),
                    ("同じ訪問の相談", 8),
                    ("訂正", 8),
                ]
                .iter()
                .map(|(h, w)| Column::new(h, *w))
                .collect(),
                rows: self.entries.iter().filter_map(visit_row).collect(),
            },
        }
    }
}

fn consultation_row(e: &LedgerEntry) -> Option<Vec<Cell>> {
    let RecordBody::Consultation(c) = &e.content.body else { return None };
    let (name, address, contact, phone, fax) = contact(&e.content);
    // The same rule as the 記録票: the worker's name only when the worker is the 相談者.
    let requester_name = crate::forms::consultation_record::requester_name_of(c, e.content.snapshot.worker.as_ref());
    let kinds: Vec<String> = c.kinds.iter().map(|k| format!("{} {}", k.mark(), short_kind(*k))).collect();
    Some(vec![
        Cell::Int(i64::from(e.number)),
        Cell::date(c.received_on),
        Cell::date(c.performed_on),
        Cell::text(requester_name),
        Cell::text(c.requester.map(|r| format!("{} {}", r.mark(), r.label())).unwrap_or_default()),
        Cell::text(name),
        Cell::text(address),
        Cell::text(contact),
        Cell::text(phone),
        Cell::text(fax),
        Cell::text(kinds.join("・")),
        Cell::text(e.content.snapshot.doctor.as_ref().map(|d| d.name.clone()).unwrap_or_default()),
        Cell::text(c.notes.clone()),
        amended_mark(e),
    ])
}

/// A visit's line: what and who, and counts (the findings' words are in the report, not here).
fn visit_row(e: &LedgerEntry) -> Option<Vec<Cell>> {
    let RecordBody::Visit(v) = &e.content.body else { return None };
    let (name, address, _, _, _) = contact(&e.content);
    let visitors: Vec<String> =
        v.visitors
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if w.name.trim().is_empty() {
                    e.content.snapshot.visitors.get(i).map(|s| s.name.clone()).unwrap_or_default()
                } else {
                    w.name.trim().to_string()
                }
            })
            .filter(|n| !n.is_empty())
            .collect();
    let activities: Vec<&str> = v.activities.iter().map(|a| a.label()).collect();
    let improved = v.follow_ups.iter().filter(|f| f.status == Some(crate::domain::ImprovementStatus::Improved)).count();
    Some(vec![
        Cell::Int(i64::from(e.number)),
        Cell::date(v.visited_on),
        Cell::text(name),
        Cell::text(address),
        Cell::text(e.content.snapshot.doctor.as_ref().map(|d| d.name.clone()).unwrap_or_default()),
        Cell::text(visitors.join("、")),
        Cell::text(activities.join("・")),
        Cell::Int(v.findings.len() as i64),
        Cell::Int(improved as i64),
        Cell::Int(v.consultation_ids.len() as i64),
        amended_mark(e),
    ])
}

/// The ledger's short names of the three kinds (様式例1-3).
fn short_kind(k: crate::domain::ConsultationKind) -> &'static str {
    use crate::domain::ConsultationKind::*;
    match k {
        OpinionHearing => "健康診断結果意見聴取",
        HealthGuidance => "脳心臓疾患保健指導",
        MentalHealth => "メンタル不調相談・指導",
    }
}

fn interview_row(e: &LedgerEntry) -> Option<Vec<Cell>> {
    let RecordBody::Interview(i) = &e.content.body else { return None };
    let (name, address, contact, phone, fax) = contact(&e.content);
    let worker = e.content.snapshot.worker.clone().unwrap_or_default();
    let age = match (worker.birth_date, i.performed_on) {
        (Some(b), Some(d)) => d.age_of(b).map(i64::from),
        _ => None,
    };
    let r = &i.result;
    Some(vec![
        Cell::Int(i64::from(e.number)),
        Cell::date(i.received_on),
        Cell::date(i.performed_on),
        Cell::text(worker.name),
        Cell::int(age),
        Cell::text(worker.sex.map(|s| s.label()).unwrap_or_default()),
        Cell::text(name),
        Cell::text(address),
        Cell::text(contact),
        Cell::text(phone),
        Cell::text(fax),
        Cell::text(i.kind.map(|k| k.article()).unwrap_or_default()),
        Cell::text(r.diagnosis.map(|d| d.label()).unwrap_or_default()),
        Cell::text(r.work_class.map(|w| if i.is_high_stress() { w.stress_label() } else { w.label() }).unwrap_or_default()),
        Cell::text(if i.is_high_stress() {
            r.stress_guidance.iter().map(|g| g.label()).collect::<Vec<_>>().join("・")
        } else {
            r.guidance.map(|g| g.label().to_string()).unwrap_or_default()
        }),
        Cell::text(e.content.snapshot.doctor.as_ref().map(|d| d.name.clone()).unwrap_or_default()),
        amended_mark(e),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    #[test]
    fn ledgers_hold_finalised_records_in_number_order_with_the_latest_version() {
        let (_d, s) = testing::store();
        crate::store::demo::generate(&s, 200, 11).unwrap();
        for kind in [LedgerKind::Consultation, LedgerKind::Interview] {
            let all = s.ledger(kind, &LedgerFilter::default()).unwrap();
            let finals = s
                .list_records(&crate::store::ListFilter {
                    kind: Some(kind.record_kind()),
                    status: Some(crate::domain::RecordStatus::Final),
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(all.entries.len(), finals.len(), "{kind:?}: one row per finalised record");
            for fy in 2020..=2025 {
                let l = s.ledger(kind, &LedgerFilter { fiscal_year: Some(fy), ..Default::default() }).unwrap();
                let numbers: Vec<u32> = l.entries.iter().map(|e| e.number).collect();
                assert_eq!(numbers, (1..=numbers.len() as u32).collect::<Vec<_>>(), "{kind:?} {fy}: numbers run 1, 2, 3 …");
                let t = l.table();
                assert_eq!(t.rows.len(), l.entries.len());
                assert!(t.rows.iter().all(|r| r.len() == t.columns.len()));
            }
            let amended = all.entries.iter().find(|e| e.amended).expect("demo amends some records");
            assert_eq!(amended.version, 2);
        }
    }

    #[test]
    fn filters_narrow_by_period_doctor_and_workplace() {
        let (_d, s) = testing::store();
        crate::store::demo::generate(&s, 150, 4).unwrap();
        let all = s.ledger(LedgerKind::Consultation, &LedgerFilter { fiscal_year: Some(2023), ..Default::default() }).unwrap();
        let first = &all.entries[0];
        let doctor = first.content.body.doctor_id().unwrap().to_string();
        let by_doctor =
            s.ledger(LedgerKind::Consultation, &LedgerFilter { fiscal_year: Some(2023), doctor_id: Some(doctor.clone()), ..Default::default() }).unwrap();
        assert!(!by_doctor.entries.is_empty() && by_doctor.entries.iter().all(|e| e.content.body.doctor_id() == Some(doctor.as_str())));
        let from = Date::ymd(2023, 10, 1).unwrap();
        let half = s.ledger(LedgerKind::Consultation, &LedgerFilter { fiscal_year: Some(2023), from: Some(from), ..Default::default() }).unwrap();
        assert!(half.entries.iter().all(|e| e.content.body.performed_on().unwrap() >= from));
        assert!(half.entries.len() < all.entries.len());
        assert_eq!(LedgerFilter { fiscal_year: Some(2025), ..Default::default() }.describe(), "令和7年度");
        let october = Date::ymd(2025, 10, 1);
        assert_eq!(LedgerFilter { fiscal_year: Some(2025), from: october, ..Default::default() }.describe(), "令和7年10月1日～令和8年3月31日");
        // A period outside the fiscal year is narrowed to it.
        assert_eq!(LedgerFilter { fiscal_year: Some(2025), from: Some(from), ..Default::default() }.describe(), "令和7年4月1日～令和8年3月31日");
    }
}
