//! 訪問指導の補足 (issue 16): the year's visits, the workplaces visited for the first time, and the
//! findings of earlier visits recorded 改善済 this year. Not part of the 別添3 sheet: the annual
//! report carries it beside the sheet, and the XLSX on a sheet of its own.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::AnnualCount;
use crate::domain::fiscal::fiscal_year;
use crate::domain::{ImprovementStatus, RecordBody};
use crate::store::report_rows::LedgerEntry;

/// The supplementary counts of a fiscal year's 訪問指導.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VisitCounts {
    /// Finalised visits held in the year (their record ids).
    pub visits: AnnualCount,
    /// Workplaces whose first finalised visit ever was in the year (the ids of those visits).
    pub first_time_workplaces: AnnualCount,
    /// Findings made on the year's visits (the ids of the visits, once per finding).
    pub findings: AnnualCount,
    /// Findings of earlier visits that a visit of the year recorded 改善済 (the ids of those visits).
    pub findings_improved: AnnualCount,
    /// Consultations held on the year's visits (linked to them): part of the 事業場訪問 count.
    pub consultations_on_visits: AnnualCount,
}

impl VisitCounts {
    /// Count from every finalised visit (all years: "first time" looks back), each once in its
    /// current version. A visit counted twice (the same record from two sources) is counted once.
    pub fn of(entries: &[LedgerEntry], year: i32) -> VisitCounts {
        let mut seen = HashSet::new();
        let mut visits: Vec<(&LedgerEntry, &crate::domain::Visit)> = entries
            .iter()
            .filter(|e| seen.insert(e.record_id.as_str()))
            .filter_map(|e| match &e.content.body {
                RecordBody::Visit(v) => Some((e, v)),
                _ => None,
            })
            .collect();
        visits.sort_by(|a, b| (a.1.visited_on, &a.0.record_id).cmp(&(b.1.visited_on, &b.0.record_id)));
        let mut first: BTreeMap<&str, &str> = BTreeMap::new();
        for (e, v) in &visits {
            if let (Some(wp), Some(_)) = (v.workplace_id.as_deref(), v.visited_on) {
                first.entry(wp).or_insert(e.record_id.as_str());
            }
        }
        let mut out = VisitCounts::default();
        for (e, v) in visits {
            if v.visited_on.map(|d| fiscal_year(d.naive())) != Some(year) {
                continue;
            }
            let id = e.record_id.as_str();
            out.visits.add(id, 1);
            if v.workplace_id.as_deref().and_then(|wp| first.get(wp)) == Some(&id) {
                out.first_time_workplaces.add(id, 1);
            }
            if !v.findings.is_empty() {
                out.findings.add(id, v.findings.len() as u64);
            }
            let improved = v.follow_ups.iter().filter(|f| f.status == Some(ImprovementStatus::Improved)).count() as u64;
            if improved > 0 {
                out.findings_improved.add(id, improved);
            }
            for c in &v.consultation_ids {
                out.consultations_on_visits.add(c, 1);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Date, Finding, FindingFollowUp, Snapshot, VersionContent, Visit};

    fn entry(id: &str, wp: &str, on: &str, findings: usize, improved: usize) -> LedgerEntry {
        let visit = Visit {
            visited_on: on.parse::<Date>().ok(),
            workplace_id: Some(wp.into()),
            findings: vec![Finding::default(); findings],
            follow_ups: (0..improved)
                .map(|n| FindingFollowUp {
                    visit_id: "earlier".into(),
                    finding_no: n as u32 + 1,
                    status: Some(ImprovementStatus::Improved),
                    note: String::new(),
                })
                .collect(),
            consultation_ids: vec![format!("c-{id}")],
            ..Default::default()
        };
        LedgerEntry {
            record_id: id.into(),
            fiscal_year: 2025,
            number: 1,
            version: 1,
            amended: false,
            content: VersionContent { body: RecordBody::Visit(visit), snapshot: Snapshot::default() },
        }
    }

    #[test]
    fn first_visits_are_first_across_years_and_each_record_counts_once() {
        let all = vec![
            entry("old", "a", "2024-11-01", 2, 0),
            entry("v1", "a", "2025-05-01", 1, 2),
            entry("v2", "b", "2025-06-01", 3, 0),
            entry("v2", "b", "2025-06-01", 3, 0),
            entry("v3", "b", "2026-02-01", 0, 1),
            entry("next", "c", "2026-04-01", 1, 0),
        ];
        let c = VisitCounts::of(&all, 2025);
        assert_eq!((c.visits.value, c.visits.ids.clone()), (3, vec!["v1".to_string(), "v2".into(), "v3".into()]));
        assert_eq!(c.first_time_workplaces.ids, ["v2"], "a was first visited in FY2024");
        assert_eq!(c.findings.value, 4);
        assert_eq!(c.findings_improved.value, 3);
        assert_eq!(c.consultations_on_visits.ids, ["c-v1", "c-v2", "c-v3"]);
    }
}
