//! The home screen's deadlines: what is waiting on the user. Every list is found through an index,
//! so the home screen stays fast with 100,000 records in the store.
//!
//! - 面接指導の申出があって未実施: interviews not finalised, with no date performed or a date still
//!   to come, the oldest 申出 (or 受付) first. The 面接指導 is to be held without delay after the
//!   申出, within about a month (安衛則52条の3).
//! - 意見書が未発行: interviews performed [`OPINION_DUE_DAYS`] days ago or more and not finalised
//!   (the 意見書 is issued with the 確定); the doctor's opinion is to be heard within about a month
//!   of the 面接指導 (安衛則52条の7 and its 通達).
//! - 利用料の入金待ち: [`Store::fees_awaiting`].
//! - 保存期間を過ぎた記録: [`Store::retention_due`].
//!
//! Records not finalised are found through the partial index `records_open` (migration 0004), which
//! holds all the lists filter on (`INDEXED BY`: the query fails rather than silently reading every
//! record, should the index go).

use serde::Serialize;
use ts_rs::TS;

use crate::domain::Date;
use crate::error::Result;
use crate::store::fees::FeeStatus;
use crate::store::report_rows::OpenInterview;
use crate::store::{RecordSummary, Store};

use crate::domain::retention::RetentionItem;

/// An interview performed this many days ago and not finalised has its 意見書 overdue.
pub const OPINION_DUE_DAYS: i64 = 30;

/// One record waiting on the user.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DeadlineItem {
    pub record: RecordSummary,
    /// 申出日 (or 受付日) of an interview not yet held; 実施日 of an opinion not yet issued.
    pub since: Option<Date>,
    /// Days from `since` to today.
    #[ts(type = "number | null")]
    pub days: Option<i64>,
}

/// The home screen's lists: the first `limit` of each, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Deadlines {
    pub interviews_pending: Vec<DeadlineItem>,
    pub interviews_pending_total: u32,
    pub opinions_overdue: Vec<DeadlineItem>,
    pub opinions_overdue_total: u32,
    pub fees_awaiting: Vec<FeeStatus>,
    pub fees_awaiting_total: u32,
    pub retention_due: Vec<RetentionItem>,
    pub retention_due_total: u32,
}

fn days(since: Option<Date>, today: Date) -> Option<i64> {
    since.map(|d| (today.naive() - d.naive()).num_days())
}

fn total(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Held at least `OPINION_DUE_DAYS` days ago; with the date held.
fn overdue(open: &[OpenInterview], today: Date) -> Vec<(String, Option<Date>)> {
    open.iter()
        .filter_map(|(id, performed)| performed.filter(|p| (today.naive() - p.naive()).num_days() >= OPINION_DUE_DAYS).map(|p| (id.clone(), Some(p))))
        .collect()
}

/// The home screen's lists of what is waiting on the user.
pub trait HomeDeadlines {
    /// 面接指導の申出があって未実施: interviews not finalised whose date is not given or is still to
    /// come, the oldest 申出 (or 受付) first. At most `limit`, and how many in all.
    fn interviews_pending(&self, today: Date, limit: usize) -> Result<(Vec<DeadlineItem>, u32)>;

    /// 意見書が未発行: interviews performed at least 30 days before `today` and not finalised, the
    /// oldest first. At most `limit`, and how many in all.
    fn opinions_overdue(&self, today: Date, limit: usize) -> Result<(Vec<DeadlineItem>, u32)>;

    /// Every list of the home screen, the first `limit` of each.
    fn deadlines(&self, today: Date, limit: usize) -> Result<Deadlines>;
}

impl HomeDeadlines for Store {
    fn interviews_pending(&self, today: Date, limit: usize) -> Result<(Vec<DeadlineItem>, u32)> {
        self.deadline_items(self.pending(&self.open_interviews()?, today)?, today, limit)
    }

    fn opinions_overdue(&self, today: Date, limit: usize) -> Result<(Vec<DeadlineItem>, u32)> {
        self.deadline_items(overdue(&self.open_interviews()?, today), today, limit)
    }

    fn deadlines(&self, today: Date, limit: usize) -> Result<Deadlines> {
        let open = self.open_interviews()?;
        let (interviews_pending, interviews_pending_total) = self.deadline_items(self.pending(&open, today)?, today, limit)?;
        let (opinions_overdue, opinions_overdue_total) = self.deadline_items(overdue(&open, today), today, limit)?;
        let mut fees = self.fees_awaiting()?;
        let fees_awaiting_total = total(fees.len());
        fees.truncate(limit);
        let mut retention = self.retention_due(today)?;
        let retention_due_total = total(retention.len());
        retention.truncate(limit);
        Ok(Deadlines {
            interviews_pending,
            interviews_pending_total,
            opinions_overdue,
            opinions_overdue_total,
            fees_awaiting: fees,
            fees_awaiting_total,
            retention_due: retention,
            retention_due_total,
        })
    }
}

/// The steps of [`HomeDeadlines`], private to this module.
trait HomeDeadlinesSteps {
    /// Not held (no date, or a date still to come), with the date of the 申出 (or 受付). Only
    /// these rows are read.
    fn pending(&self, open: &[OpenInterview], today: Date) -> Result<Vec<(String, Option<Date>)>>;

    fn deadline_items(&self, items: Vec<(String, Option<Date>)>, today: Date, limit: usize) -> Result<(Vec<DeadlineItem>, u32)>;
}

impl HomeDeadlinesSteps for Store {
    fn pending(&self, open: &[OpenInterview], today: Date) -> Result<Vec<(String, Option<Date>)>> {
        let ids: Vec<&str> = open.iter().filter(|(_, performed)| performed.is_none_or(|p| p > today)).map(|(id, _)| id.as_str()).collect();
        let since = self.requested_on(&ids)?;
        Ok(ids.into_iter().map(String::from).zip(since).collect())
    }

    fn deadline_items(&self, mut items: Vec<(String, Option<Date>)>, today: Date, limit: usize) -> Result<(Vec<DeadlineItem>, u32)> {
        // Oldest first; those with no date last.
        items.sort_by(|a, b| (a.1.is_none(), a.1, &a.0).cmp(&(b.1.is_none(), b.1, &b.0)));
        let n = total(items.len());
        let items: Vec<(String, Option<Date>)> = items.into_iter().take(limit).collect();
        let ids: Vec<&str> = items.iter().map(|(id, _)| id.as_str()).collect();
        // A record gone since the lists were read is left out.
        let since: std::collections::HashMap<&str, Option<Date>> = items.iter().map(|(id, d)| (id.as_str(), *d)).collect();
        let out = self
            .summaries_of(&ids)?
            .into_iter()
            .map(|record| {
                let since = since.get(record.id.as_str()).copied().flatten();
                DeadlineItem { record, since, days: days(since, today) }
            })
            .collect();
        Ok((out, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        Consultation, ConsultationKind, Diagnosis, Fatigue, GuidanceClass, HoursMeasure, Interview, InterviewKind, InterviewRequest, InterviewResult, Opinion,
        Place, RecordBody, Requester, TimeOfDay, WorkClass, WorkStatus, Worker, Workplace,
    };
    use crate::store::testing;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    struct People {
        wp: String,
        worker: String,
    }

    fn people(s: &Store) -> People {
        let wp = s.add_workplace(&Workplace { name: "山田製作所".into(), ..Default::default() }).unwrap();
        let worker = s.add_worker(&Worker { workplace_id: wp.clone(), name: "佐藤 花子".into(), ..Default::default() }).unwrap();
        People { wp, worker }
    }

    /// A complete 面接指導 (it can be finalised), performed on `on`.
    fn interview(s: &Store, p: &People, on: Option<&str>) -> Interview {
        Interview {
            kind: Some(InterviewKind::LongHours),
            performed_on: on.map(d),
            place: Some(Place::MedicalInstitution),
            doctor_id: Some(s.actor().id.clone()),
            workplace_id: Some(p.wp.clone()),
            worker_id: Some(p.worker.clone()),
            work_status: Some(WorkStatus {
                period_from: Date::ymd(2025, 4, 1),
                period_to: Date::ymd(2025, 4, 30),
                total_hours: Some(260.0),
                ..Default::default()
            }),
            result: InterviewResult {
                fatigue: Some(Fatigue::Moderate),
                mind_body_attention: Some(false),
                diagnosis: Some(Diagnosis::Observation),
                work_class: Some(WorkClass::Restricted),
                guidance: Some(GuidanceClass::HealthGuidance),
                recommendation_needed: Some(false),
                ..Default::default()
            },
            opinion: Opinion { hours_measures: vec![HoursMeasure::OvertimeLimit { hours_per_month: Some(45.0) }], ..Default::default() },
            ..Default::default()
        }
    }

    fn add(s: &Store, i: Interview) -> String {
        s.create_record(&RecordBody::Interview(i)).unwrap()
    }

    fn ids(items: &[DeadlineItem]) -> Vec<&str> {
        items.iter().map(|i| i.record.id.as_str()).collect()
    }

    #[test]
    fn interviews_requested_and_not_held_oldest_request_first() {
        let (_d, s) = testing::store();
        let p = people(&s);
        let today = d("2025-06-30");
        let request = |on: &str| InterviewRequest { requested_on: Some(d(on)), ..Default::default() };
        // 申出 on 6/1, no date yet.
        let a = add(&s, Interview { request: request("2025-06-01"), ..interview(&s, &p, None) });
        // 受付 on 5/20 (no 申出日), held on 7/10: still to come.
        let b = add(&s, Interview { received_on: Some(d("2025-05-20")), ..interview(&s, &p, Some("2025-07-10")) });
        // Nothing but the worker: pending, with no date, listed last.
        let c = add(&s, Interview { performed_on: None, ..Default::default() });
        // Held on 6/20 (a draft): neither pending nor overdue yet.
        add(&s, Interview { request: request("2025-06-02"), ..interview(&s, &p, Some("2025-06-20")) });
        // Finalised: done.
        let done = add(&s, Interview { request: request("2025-04-01"), ..interview(&s, &p, Some("2025-05-01")) });
        s.finalise(&done).unwrap();
        // A consultation draft is not an interview.
        s.create_record(&RecordBody::Consultation(Consultation {
            workplace_id: Some(p.wp.clone()),
            requester: Some(Requester::Worker),
            kinds: vec![ConsultationKind::HealthGuidance],
            start_time: TimeOfDay::hm(10, 0),
            ..Default::default()
        }))
        .unwrap();

        let (items, n) = s.interviews_pending(today, 10).unwrap();
        assert_eq!(ids(&items), [b.as_str(), a.as_str(), c.as_str()]);
        assert_eq!(n, 3);
        assert_eq!((items[0].since, items[0].days), (Some(d("2025-05-20")), Some(41)));
        assert_eq!((items[1].since, items[1].days), (Some(d("2025-06-01")), Some(29)));
        assert_eq!((items[2].since, items[2].days), (None, None));
        assert_eq!(items[1].record.worker_name.as_deref(), Some("佐藤 花子"));
        let (first, n) = s.interviews_pending(today, 1).unwrap();
        assert_eq!((ids(&first), n), (vec![b.as_str()], 3));
    }

    #[test]
    fn opinions_not_issued_within_30_days_of_the_interview() {
        let (_d, s) = testing::store();
        let p = people(&s);
        let today = d("2025-06-30");
        let on_day_30 = add(&s, interview(&s, &p, Some("2025-05-31")));
        let on_day_29 = add(&s, interview(&s, &p, Some("2025-06-01")));
        let older = add(&s, interview(&s, &p, Some("2025-04-15")));
        let issued = add(&s, interview(&s, &p, Some("2025-04-10")));
        s.finalise(&issued).unwrap();
        // A correction being written does not make a finalised interview overdue.
        s.save_draft(&issued, &RecordBody::Interview(Interview { place_name: "訂正中".into(), ..interview(&s, &p, Some("2025-04-10")) })).unwrap();

        let (items, n) = s.opinions_overdue(today, 10).unwrap();
        assert_eq!(ids(&items), [older.as_str(), on_day_30.as_str()]);
        assert_eq!(n, 2);
        assert_eq!(items[1].days, Some(30));
        assert!(!ids(&items).contains(&on_day_29.as_str()));
        // Finalising issues the opinion: it leaves the list (a repeat in the fiscal year: charged).
        s.override_fee(&older, "センターの判断で無料").unwrap();
        s.finalise(&older).unwrap();
        assert_eq!(ids(&s.opinions_overdue(today, 10).unwrap().0), [on_day_30.as_str()]);
    }

    #[test]
    fn the_home_lists_fees_and_retention_too() {
        let (_d, s) = testing::store();
        let p = people(&s);
        // A 面接指導 held and finalised in 2019: due for destruction in 2025. A second one in the
        // same fiscal year, not yet held: charged, not paid.
        let first = add(&s, interview(&s, &p, Some("2019-06-10")));
        s.finalise(&first).unwrap();
        let repeat = add(&s, Interview { start_time: TimeOfDay::hm(10, 0), end_time: TimeOfDay::hm(11, 0), ..interview(&s, &p, Some("2019-09-10")) });
        let today = d("2025-06-30");
        let all = s.deadlines(today, 20).unwrap();
        assert_eq!(all.fees_awaiting.iter().map(|f| f.record_id.as_str()).collect::<Vec<_>>(), [repeat.as_str()]);
        assert_eq!(all.fees_awaiting_total, 1);
        assert_eq!(all.retention_due.iter().map(|r| r.record_id.as_str()).collect::<Vec<_>>(), [first.as_str()]);
        assert_eq!(all.retention_due_total, 1);
        // The repeat was performed (a draft) over 30 days ago: its opinion is overdue as well.
        assert_eq!(ids(&all.opinions_overdue), [repeat.as_str()]);
        assert_eq!(all.interviews_pending_total, 0);

        s.confirm_payment(&repeat, d("2019-09-01")).unwrap();
        let all = s.deadlines(today, 20).unwrap();
        assert!(all.fees_awaiting.is_empty());
        let none = s.deadlines(today, 0).unwrap();
        assert!(none.retention_due.is_empty() && none.opinions_overdue.is_empty());
        assert_eq!((none.retention_due_total, none.opinions_overdue_total), (1, 1));
    }
}
