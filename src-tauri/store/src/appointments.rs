//! Today's and upcoming appointments for the home screen: consultations and interviews not yet
//! finalised whose date is today or later, and applications whose appointment is. Read through
//! the partial index of the records not finalised (`records_open`, migration 0004).

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::domain::{Date, TimeOfDay};
use crate::error::Result;

use super::records::{summary, SUMMARY_SELECT};
use super::{RecordSummary, Store};

/// One appointment.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Appointment {
    pub record: RecordSummary,
    /// The day: the record's 実施日, or the application's 実施予定日.
    pub on: Date,
    /// The time it starts, when known.
    pub from: Option<TimeOfDay>,
}

fn parse<T: std::str::FromStr>(s: Option<String>) -> Option<T> {
    s.and_then(|s| s.parse().ok())
}

impl Store {
    /// Appointments on `today` or later, the soonest first; at most `limit`.
    pub fn appointments(&self, today: Date, limit: usize) -> Result<Vec<Appointment>> {
        self.read(|c| {
            let mut found: Vec<(Date, Option<TimeOfDay>, String)> = Vec::new();
            let mut held = c.prepare_cached(
                "SELECT r.id, r.performed_on, coalesce(json_extract(r.draft, '$.start_time'), '') FROM records r INDEXED BY records_open \
                 WHERE r.status = 'draft' AND r.kind IN ('consultation', 'interview') AND r.performed_on >= ?1 ORDER BY r.performed_on LIMIT ?2",
            )?;
            let rows =
                held.query_map(params![today.iso(), limit as i64], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?)))?;
            for row in rows {
                let (id, on, from) = row?;
                if let Some(on) = parse::<Date>(on) {
                    found.push((on, parse(Some(from)), id));
                }
            }
            let mut apps = c.prepare_cached(
                "SELECT r.id, json_extract(r.draft, '$.appointment_on'), coalesce(json_extract(r.draft, '$.appointment_from'), '') \
                 FROM records r INDEXED BY records_open WHERE r.status = 'draft' AND r.kind = 'application'",
            )?;
            let rows = apps.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, String>(2)?)))?;
            for row in rows {
                let (id, on, from) = row?;
                if let Some(on) = parse::<Date>(on).filter(|d| *d >= today) {
                    found.push((on, parse(Some(from)), id));
                }
            }
            found.sort_by(|a, b| (a.0, a.1.map(|t| t.to_string()), &a.2).cmp(&(b.0, b.1.map(|t| t.to_string()), &b.2)));
            let mut one = c.prepare_cached(&format!("{SUMMARY_SELECT} WHERE r.id = ?1"))?;
            let mut out = Vec::new();
            for (on, from, id) in found.into_iter().take(limit) {
                if let Some(record) = one.query_row(params![id], summary).optional()? {
                    out.push(Appointment { record, on, from });
                }
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;
    use crate::domain::{Application, Consultation, Interview, InterviewKind, RecordBody};

    #[test]
    fn upcoming_drafts_and_applications_soonest_first() {
        let (_d, s) = testing::store();
        let d = |x: &str| x.parse::<Date>().ok();
        let t = |x: &str| x.parse::<TimeOfDay>().ok();
        let today = d("2025-06-10").unwrap();
        let past = s.create_record(&RecordBody::Consultation(Consultation { performed_on: d("2025-06-09"), ..Default::default() })).unwrap();
        let later = s
            .create_record(&RecordBody::Interview(Interview {
                kind: Some(InterviewKind::LongHours),
                performed_on: d("2025-06-20"),
                start_time: t("15:00"),
                ..Default::default()
            }))
            .unwrap();
        let today_c =
            s.create_record(&RecordBody::Consultation(Consultation { performed_on: d("2025-06-10"), start_time: t("09:30"), ..Default::default() })).unwrap();
        let app = s
            .create_record(&RecordBody::Application(Application { appointment_on: d("2025-06-12"), appointment_from: t("13:00"), ..Default::default() }))
            .unwrap();
        let old_app = s.create_record(&RecordBody::Application(Application { appointment_on: d("2025-06-01"), ..Default::default() })).unwrap();
        let got: Vec<_> = s.appointments(today, 10).unwrap().into_iter().map(|a| (a.record.id, a.on.iso(), a.from.map(|t| t.to_string()))).collect();
        assert_eq!(
            got,
            vec![
                (today_c, "2025-06-10".to_string(), Some("09:30".to_string())),
                (app, "2025-06-12".to_string(), Some("13:00".to_string())),
                (later, "2025-06-20".to_string(), Some("15:00".to_string())),
            ]
        );
        assert!(!got_ids(&s, today).contains(&past) && !got_ids(&s, today).contains(&old_app));
        assert_eq!(s.appointments(today, 1).unwrap().len(), 1);
    }

    fn got_ids(s: &Store, today: Date) -> Vec<String> {
        s.appointments(today, 10).unwrap().into_iter().map(|a| a.record.id).collect()
    }
}
