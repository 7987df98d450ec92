//! What the annual report (別添3) counts besides consultations and interviews: 協議会, coordinators'
//! activity days and other work ([`Activity`]), and the 計画 (planned numbers) it sets beside
//! the 実績.
//!
//! Activities are appended, never edited: each one is a line of evidence behind a number of the
//! report, with its author and time, and its creation is in the audit log.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::fiscal::fiscal_year;
use crate::domain::{Activity, ActivityKind, Staff, StaffRole, Violations};
use crate::error::{Error, Result};

use super::entities::get_in;
use super::{new_id, now, Action, EntityRow, Store};

/// The 計画 lines of the annual report: every number the report sets a plan beside. This is the
/// one list of them; the `annual_plans` table stores [`PlanItem::as_str`] in its `item` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PlanItem {
    /// II-1 特定健康相談 開催回数 (計)
    ConsultationSessions,
    /// II-1 ① 意見聴取 相談事業場数 (延べ)
    OpinionWorkplaces,
    /// II-1 ① 意見対象労働者数 (延べ)
    OpinionWorkers,
    /// II-1 ② 脳・心臓疾患有リスク者保健指導 (延べ)
    HealthGuidance,
    /// II-1 ③ メンタル不調者相談・指導 (延べ)
    MentalHealth,
    /// II-2 面接指導 開催回数 (計)
    InterviewSessions,
    /// II-2 ① 法66条の8 (延べ)
    InterviewLongHours,
    /// II-2 ② 法66条の9 (延べ)
    InterviewOtherLongHours,
    /// II-2 法66条の10 (延べ)
    InterviewHighStress,
}

impl PlanItem {
    /// Every item, in the order the report prints them.
    pub const ALL: &'static [PlanItem] = &[
        PlanItem::ConsultationSessions,
        PlanItem::OpinionWorkplaces,
        PlanItem::OpinionWorkers,
        PlanItem::HealthGuidance,
        PlanItem::MentalHealth,
        PlanItem::InterviewSessions,
        PlanItem::InterviewLongHours,
        PlanItem::InterviewOtherLongHours,
        PlanItem::InterviewHighStress,
    ];

    /// The identifier in JSON and in the `annual_plans` table.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanItem::ConsultationSessions => "consultation_sessions",
            PlanItem::OpinionWorkplaces => "opinion_workplaces",
            PlanItem::OpinionWorkers => "opinion_workers",
            PlanItem::HealthGuidance => "health_guidance",
            PlanItem::MentalHealth => "mental_health",
            PlanItem::InterviewSessions => "interview_sessions",
            PlanItem::InterviewLongHours => "interview_long_hours",
            PlanItem::InterviewOtherLongHours => "interview_other_long_hours",
            PlanItem::InterviewHighStress => "interview_high_stress",
        }
    }

    /// The line of the report, in Japanese.
    pub fn label(self) -> &'static str {
        match self {
            PlanItem::ConsultationSessions => "特定健康相談の開催回数",
            PlanItem::OpinionWorkplaces => "健診結果に基づく医師の意見 相談事業場数（延べ）",
            PlanItem::OpinionWorkers => "健診結果に基づく医師の意見 意見対象労働者数（延べ）",
            PlanItem::HealthGuidance => "脳心臓疾患有リスク者保健指導（延べ）",
            PlanItem::MentalHealth => "メンタル不調者相談・指導（延べ）",
            PlanItem::InterviewSessions => "面接指導の開催回数",
            PlanItem::InterviewLongHours => "面接指導 法66条の8（延べ）",
            PlanItem::InterviewOtherLongHours => "面接指導 法66条の9（延べ）",
            PlanItem::InterviewHighStress => "面接指導 法66条の10（延べ）",
        }
    }

    pub fn parse(s: &str) -> Option<PlanItem> {
        Self::ALL.iter().copied().find(|i| i.as_str() == s)
    }
}

fn invalid(v: Violations) -> Result<()> {
    if v.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(v.into_vec()))
    }
}

/// The staff an activity names must exist; a coordinator's activity day must name a coordinator
/// (統括コーディネーターを含む).
fn check_staff(conn: &Connection, a: &Activity) -> Result<()> {
    let Some(id) = a.staff_id.as_deref() else { return Ok(()) };
    let staff = get_in::<Staff>(conn, id)?.ok_or_else(|| Error::NotFound { what: "担当者", id: id.to_string() })?;
    if a.kind == Some(ActivityKind::CoordinatorDay) && !matches!(staff.data.role, Some(StaffRole::Coordinator | StaffRole::ChiefCoordinator)) {
        return Err(Error::invalid("staff_id", "活動日数はコーディネーター（統括を含む）について記録します。担当者を選び直してください。"));
    }
    Ok(())
}

fn activity_row(r: &rusqlite::Row) -> rusqlite::Result<EntityRow<Activity>> {
    let data: String = r.get(1)?;
    let data = serde_json::from_str(&data).map_err(|e| rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e)))?;
    let created_at: String = r.get(2)?;
    Ok(EntityRow { id: r.get(0)?, data, updated_at: created_at.clone(), created_at })
}

/// The activities of a fiscal year, by date (read inside an existing connection).
pub fn activities_in(conn: &Connection, fy: i32) -> Result<Vec<EntityRow<Activity>>> {
    let mut stmt = conn.prepare_cached("SELECT id, data, created_at FROM activities WHERE fiscal_year = ?1 ORDER BY held_on, created_at, id")?;
    let rows = stmt.query_map([fy], activity_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The 計画 of a fiscal year (read inside an existing connection).
pub fn plans_in(conn: &Connection, fy: i32) -> Result<BTreeMap<String, u32>> {
    let mut stmt = conn.prepare_cached("SELECT item, planned FROM annual_plans WHERE fiscal_year = ?1 ORDER BY item")?;
    let rows = stmt.query_map([fy], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Record a 協議会, a coordinator's activity day or other work. Returns its id.
    pub fn add_activity(&self, a: &Activity) -> Result<String> {
        invalid(a.validate())?;
        let (Some(kind), Some(held_on)) = (a.kind, a.held_on) else {
            // validate() requires both; this is only a guard.
            return Err(Error::invalid("kind", "種類と日付を入力してください。"));
        };
        let fy = fiscal_year(held_on.naive());
        let id = new_id();
        self.write(|tx| {
            check_staff(tx, a)?;
            let data = serde_json::to_string(a).expect("activities serialise");
            tx.execute(
                "INSERT INTO activities (id, kind, held_on, fiscal_year, staff_id, data, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![id, kind.as_str(), held_on.iso(), fy, a.staff_id, data, now(), self.actor().id],
            )?;
            self.audit(tx, Action::Create, &id, serde_json::json!({ "entity": "activity", "kind": kind.as_str(), "fiscal_year": fy }))?;
            Ok(())
        })?;
        Ok(id)
    }

    /// The activities of a fiscal year (April–March), by date.
    pub fn list_activities(&self, fiscal_year: i32) -> Result<Vec<EntityRow<Activity>>> {
        self.read(|c| activities_in(c, fiscal_year))
    }

    /// Set the 計画 of one line of the annual report for a fiscal year (replacing any before).
    /// `item` is a [`PlanItem`] identifier, e.g. `"consultation_sessions"`.
    pub fn set_annual_plan(&self, fiscal_year: i32, item: &str, planned: u32) -> Result<()> {
        let Some(item) = PlanItem::parse(item) else {
            let known = PlanItem::ALL.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(", ");
            return Err(Error::invalid("item", format!("計画の項目が正しくありません。次のどれかを指定してください: {known}")));
        };
        if !(1900..=9999).contains(&fiscal_year) {
            return Err(Error::invalid("fiscal_year", "年度が正しくありません。西暦の年（例: 2025）で指定してください。"));
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO annual_plans (fiscal_year, item, planned) VALUES (?1, ?2, ?3) \
                 ON CONFLICT(fiscal_year, item) DO UPDATE SET planned = excluded.planned",
                params![fiscal_year, item.as_str(), planned],
            )?;
            self.audit(
                tx,
                Action::Edit,
                "annual_plans",
                serde_json::json!({ "entity": "annual_plan", "fiscal_year": fiscal_year, "item": item.as_str(), "planned": planned }),
            )?;
            Ok(())
        })
    }

    /// The 計画 of a fiscal year, by item identifier. Items never set are absent.
    pub fn annual_plans(&self, fiscal_year: i32) -> Result<BTreeMap<String, u32>> {
        self.read(|c| plans_in(c, fiscal_year))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;
    use crate::domain::{CouncilLevel, Date};

    fn coordinator(s: &Store) -> String {
        s.add_staff(&Staff { role: Some(StaffRole::Coordinator), name: "調整 花子".into(), ..Default::default() }).unwrap()
    }

    #[test]
    fn activities_are_filed_under_the_fiscal_year_of_their_date() {
        let (_d, s) = testing::store();
        let c = coordinator(&s);
        let day = |y, m, d| Activity { kind: Some(ActivityKind::CoordinatorDay), held_on: Date::ymd(y, m, d), staff_id: Some(c.clone()), ..Default::default() };
        let march = s.add_activity(&day(2026, 3, 31)).unwrap();
        let april = s.add_activity(&day(2026, 4, 1)).unwrap();
        let council = s
            .add_activity(&Activity {
                kind: Some(ActivityKind::Council),
                held_on: Date::ymd(2025, 7, 1),
                council_level: Some(CouncilLevel::Prefecture),
                ..Default::default()
            })
            .unwrap();
        let ids = |fy| s.list_activities(fy).unwrap().into_iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(ids(2025), [council.clone(), march.clone()]);
        assert_eq!(ids(2026), [april]);
        let trail = s.audit_trail(&council).unwrap();
        assert_eq!(trail.len(), 1);
    }

    #[test]
    fn bad_activities_are_refused() {
        let (_d, s) = testing::store();
        let day = Date::ymd(2025, 5, 1);
        let err = s.add_activity(&Activity { kind: Some(ActivityKind::Council), held_on: day, ..Default::default() }).unwrap_err();
        assert!(matches!(&err, Error::Invalid(v) if v[0].field == "council_level"), "{err}");
        let err = s
            .add_activity(&Activity { kind: Some(ActivityKind::CoordinatorDay), held_on: day, staff_id: Some("missing".into()), ..Default::default() })
            .unwrap_err();
        assert!(matches!(err, Error::NotFound { what: "担当者", .. }), "{err}");
        // The store's own user is a doctor: a doctor's day is not a coordinator's activity day.
        let doctor = s.actor().id.clone();
        let err =
            s.add_activity(&Activity { kind: Some(ActivityKind::CoordinatorDay), held_on: day, staff_id: Some(doctor), ..Default::default() }).unwrap_err();
        assert!(matches!(&err, Error::Invalid(v) if v[0].field == "staff_id"), "{err}");
        assert!(s.list_activities(2025).unwrap().is_empty());
    }

    #[test]
    fn plans_are_set_per_year_and_item() {
        let (_d, s) = testing::store();
        s.set_annual_plan(2025, "consultation_sessions", 120).unwrap();
        s.set_annual_plan(2025, "consultation_sessions", 150).unwrap();
        s.set_annual_plan(2025, PlanItem::MentalHealth.as_str(), 40).unwrap();
        s.set_annual_plan(2026, "consultation_sessions", 1).unwrap();
        let plans = s.annual_plans(2025).unwrap();
        assert_eq!(plans, BTreeMap::from([("consultation_sessions".to_string(), 150), ("mental_health".to_string(), 40)]));
        assert!(matches!(s.set_annual_plan(2025, "sessions", 1), Err(Error::Invalid(_))));
        for item in PlanItem::ALL {
            assert_eq!(PlanItem::parse(item.as_str()), Some(*item));
            assert_eq!(serde_json::to_value(item).unwrap(), item.as_str());
        }
    }
}
