//! What the editing screens need beyond the lifecycle of `records`: the differences between two
//! versions of a record (訂正), and an interview that cannot be held as such turned into the
//! consultation it really was (seed 002, 別添2 §4).

use crate::domain::diff::{changes, FieldChange};
use crate::domain::{Consultation, ConsultationKind, Interview, InterviewKind, RecordBody, RecordKind, RecordStatus, Requester, Service};
use crate::error::{Error, Result};

use super::records::{latest_content, load_row, parse_body};
use super::{new_id, Action, Store};

impl Store {
    /// The changes from finalised version `from` to version `to`, or to the open draft when `to`
    /// is None (what a correction would change).
    pub fn record_changes(&self, id: &str, from: u32, to: Option<u32>) -> Result<Vec<FieldChange>> {
        self.read(|c| {
            let row = load_row(c, id)?;
            let version = |v: u32| -> Result<RecordBody> {
                latest_content(c, id, v)?.map(|x| x.body).ok_or_else(|| Error::NotFound { what: "記録の版", id: format!("{id} 第{v}版") })
            };
            let before = version(from)?;
            let after = match to {
                Some(v) => version(v)?,
                None => parse_body(row.kind, row.draft.as_deref().ok_or(Error::NotFound { what: "訂正の下書き", id: id.to_string() })?)?,
            };
            Ok(changes(&before, &after))
        })
    }

    /// Start the record an application (利用申込) asked for, as a draft: who, where, when and
    /// which doctor come from the appointment, so nothing is typed twice.
    pub fn record_from_application(&self, application_id: &str, service: Service) -> Result<String> {
        let new = new_id();
        self.write(|tx| {
            let row = load_row(tx, application_id)?;
            if row.kind != RecordKind::Application {
                return Err(Error::invalid("application_id", "利用申込の記録ではありません。"));
            }
            let body = match row.draft.as_deref() {
                Some(d) => parse_body(row.kind, d)?,
                None => latest_content(tx, application_id, row.version)?
                    .map(|c| c.body)
                    .ok_or(Error::NotFound { what: "利用申込", id: application_id.to_string() })?,
            };
            let RecordBody::Application(a) = body else { unreachable!("the kind was checked") };
            let consultation = |kind: ConsultationKind| Consultation {
                application_id: Some(application_id.to_string()),
                received_on: a.received_on,
                performed_on: a.appointment_on,
                start_time: a.appointment_from,
                end_time: a.appointment_to,
                place: a.place,
                place_name: a.place_name.clone(),
                doctor_id: a.doctor_id.clone(),
                workplace_id: a.workplace_id.clone(),
                requester: Some(Requester::Employer),
                requester_title: a.applicant_title.clone(),
                requester_name: a.applicant_name.clone(),
                kinds: vec![kind],
                subject_count: if kind == ConsultationKind::OpinionHearing { a.headcount } else { None },
                ..Default::default()
            };
            let interview = |kind: InterviewKind| Interview {
                kind: Some(kind),
                application_id: Some(application_id.to_string()),
                received_on: a.received_on,
                performed_on: a.appointment_on,
                start_time: a.appointment_from,
                end_time: a.appointment_to,
                place: a.place,
                place_name: a.place_name.clone(),
                doctor_id: a.doctor_id.clone(),
                workplace_id: a.workplace_id.clone(),
                ..Default::default()
            };
            let body = match service {
                Service::OpinionHearing => RecordBody::Consultation(consultation(ConsultationKind::OpinionHearing)),
                Service::HealthGuidance => RecordBody::Consultation(consultation(ConsultationKind::HealthGuidance)),
                Service::MentalHealth => RecordBody::Consultation(consultation(ConsultationKind::MentalHealth)),
                Service::LongHoursInterview => RecordBody::Interview(interview(InterviewKind::LongHours)),
                Service::HighStressInterview => RecordBody::Interview(interview(InterviewKind::HighStress)),
            };
            self.create_in(tx, &new, &body)
        })
    }

    /// An interview draft with no 勤務状況情報 cannot be held as a 面接指導: record the visit as a
    /// 保健指導 or a メンタルヘルス相談 instead. The new consultation draft carries over who, where,
    /// when and what was asked; the interview draft goes, in the same transaction.
    pub fn interview_to_consultation(&self, id: &str, kind: ConsultationKind) -> Result<String> {
        if kind == ConsultationKind::OpinionHearing {
            return Err(Error::invalid("kinds", "面接指導の代わりに記録できるのは保健指導かメンタルヘルス相談です。"));
        }
        let new = new_id();
        self.write(|tx| {
            let row = load_row(tx, id)?;
            if row.kind != RecordKind::Interview {
                return Err(Error::invalid("kind", "面接指導の記録ではありません。"));
            }
            if row.status != RecordStatus::Draft {
                return Err(Error::AlreadyFinal);
            }
            let RecordBody::Interview(i) = parse_body(row.kind, row.draft.as_deref().unwrap_or("{}"))? else { unreachable!("the kind was checked") };
            // Findings already written would be lost with the interview draft: never drop them.
            if i.result != Default::default() || i.opinion != Default::default() || i.stress.is_some() {
                return Err(Error::invalid(
                    "result",
                    "面接指導の結果・意見・ストレスチェックの点数がすでに入力されているため、切り替えられません。内容を相談記録に書き写してから、面接指導の下書きを破棄してください。",
                ));
            }
            let mut content = String::from("面接指導の申出があったが、勤務状況に関する情報が得られなかったため、");
            content.push_str(if kind == ConsultationKind::MentalHealth {
                "メンタルヘルス相談として対応した。"
            } else {
                "保健指導として対応した。"
            });
            if !i.request.considerations.trim().is_empty() {
                content.push_str("\n申出時の配慮事項: ");
                content.push_str(i.request.considerations.trim());
            }
            let c = Consultation {
                application_id: i.application_id.clone(),
                received_on: i.received_on.or(i.request.requested_on),
                performed_on: i.performed_on,
                start_time: i.start_time,
                end_time: i.end_time,
                place: i.place,
                place_name: i.place_name.clone(),
                doctor_id: i.doctor_id.clone(),
                workplace_id: i.workplace_id.clone(),
                requester: Some(Requester::Worker),
                worker_id: i.worker_id.clone(),
                kinds: vec![kind],
                content,
                ..Default::default()
            };
            self.create_in(tx, &new, &RecordBody::Consultation(c))?;
            tx.execute("DELETE FROM fees WHERE record_id = ?1 AND confirmed_at IS NULL", [id])?;
            tx.execute("DELETE FROM records WHERE id = ?1", [id])?;
            self.audit(tx, Action::Discard, id, serde_json::json!({ "kind": "interview", "replaced_by": new }))?;
            Ok(new.clone())
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{Code, Interview, InterviewKind, Place, RecordBody, WorkClass};
    use crate::testing::store;
    use chisanpo_forms::forms::samples;

    use super::*;

    fn people(s: &Store) -> (String, String) {
        let snap = samples::snapshot();
        let wp = s.add_workplace(&snap.workplace.unwrap()).unwrap();
        let wk = s.add_worker(&crate::domain::Worker { workplace_id: wp.clone(), ..snap.worker.unwrap() }).unwrap();
        (wp, wk)
    }

    fn draft_interview(s: &Store) -> String {
        let (wp, wk) = people(s);
        let mut i = Interview {
            kind: Some(InterviewKind::LongHours),
            workplace_id: Some(wp),
            worker_id: Some(wk),
            place: Some(Place::WorkplaceVisit),
            ..Default::default()
        };
        i.performed_on = crate::domain::Date::ymd(2025, 5, 1);
        i.request.considerations = "夜勤の配慮".into();
        s.create_record(&RecordBody::Interview(i)).unwrap()
    }

    #[test]
    fn an_interview_without_work_information_becomes_a_consultation() {
        let (_d, s) = store();
        let id = draft_interview(&s);
        let new = s.interview_to_consultation(&id, ConsultationKind::HealthGuidance).unwrap();
        assert!(matches!(s.get_record(&id), Err(Error::NotFound { .. })), "the interview draft is gone");
        let v = s.get_record(&new).unwrap();
        let Some(RecordBody::Consultation(c)) = v.draft else { panic!("a consultation draft") };
        assert_eq!(c.kinds, vec![ConsultationKind::HealthGuidance]);
        assert_eq!(c.place, Some(Place::WorkplaceVisit));
        assert_eq!(c.performed_on, crate::domain::Date::ymd(2025, 5, 1));
        assert!(c.content.contains("勤務状況に関する情報が得られなかった"), "{}", c.content);
        assert!(c.content.contains("夜勤の配慮"));
        assert!(v.summary.worker_id.is_some());
        assert!(s.verify_local().unwrap().ok);
    }

    #[test]
    fn only_drafts_of_interviews_convert_and_only_to_guidance_or_mental_health() {
        let (_d, s) = store();
        let id = draft_interview(&s);
        assert!(s.interview_to_consultation(&id, ConsultationKind::OpinionHearing).is_err());
        let c = s.create_record(&RecordBody::Consultation(Default::default())).unwrap();
        assert!(s.interview_to_consultation(&c, ConsultationKind::MentalHealth).is_err());
        assert!(s.get_record(&id).is_ok(), "a refused conversion keeps the interview");
        // Findings already typed are never dropped by a conversion.
        let Some(RecordBody::Interview(mut i)) = s.get_record(&id).unwrap().draft else { panic!("an interview draft") };
        i.opinion.remarks = "既に書いた意見".into();
        s.save_draft(&id, &RecordBody::Interview(i)).unwrap();
        let err = s.interview_to_consultation(&id, ConsultationKind::HealthGuidance).unwrap_err();
        assert!(err.to_string().contains("切り替えられません"), "{err}");
        assert!(s.get_record(&id).is_ok());
    }

    #[test]
    fn an_application_starts_the_record_it_asked_for() {
        let (_d, s) = store();
        let (wp, _) = people(&s);
        let doc = s.profile().unwrap().staff_id;
        let mut a = samples::application();
        a.workplace_id = Some(wp.clone());
        a.doctor_id = Some(doc.clone());
        let app = s.create_record(&RecordBody::Application(a.clone())).unwrap();
        let iv = s.record_from_application(&app, Service::LongHoursInterview).unwrap();
        let Some(RecordBody::Interview(i)) = s.get_record(&iv).unwrap().draft else { panic!("an interview draft") };
        assert_eq!(i.kind, Some(InterviewKind::LongHours));
        assert_eq!(
            (i.application_id.as_deref(), i.workplace_id.as_deref(), i.doctor_id.as_deref()),
            (Some(app.as_str()), Some(wp.as_str()), Some(doc.as_str()))
        );
        assert_eq!((i.performed_on, i.start_time, i.place), (a.appointment_on, a.appointment_from, a.place));
        let c = s.record_from_application(&app, Service::OpinionHearing).unwrap();
        let Some(RecordBody::Consultation(c)) = s.get_record(&c).unwrap().draft else { panic!("a consultation draft") };
        assert_eq!(c.kinds, vec![ConsultationKind::OpinionHearing]);
        assert_eq!(c.subject_count, a.headcount);
        assert_eq!(c.requester_name, a.applicant_name);
        assert!(s.record_from_application(&iv, Service::MentalHealth).is_err(), "only from an application");
    }

    #[test]
    fn changes_between_versions_and_to_the_correction_draft() {
        let (_d, s) = store();
        let (wp, wk) = people(&s);
        let doc = s.profile().unwrap().staff_id;
        let mut i = samples::long_hours();
        i.workplace_id = Some(wp);
        i.worker_id = Some(wk);
        i.doctor_id = Some(doc);
        let id = s.create_record(&RecordBody::Interview(i.clone())).unwrap();
        s.finalise(&id).unwrap();
        i.result.work_class = Some(WorkClass::Leave);
        i.opinion.hours_measures = vec![crate::domain::HoursMeasure::NoWork];
        i.opinion.other_measures.clear();
        s.save_draft(&id, &RecordBody::Interview(i.clone())).unwrap();
        let pending = s.record_changes(&id, 1, None).unwrap();
        assert!(pending.iter().any(|c| c.path == "result.work_class" && c.after == WorkClass::Leave.label()), "{pending:?}");
        s.amend(&id, &RecordBody::Interview(i), "就業区分の誤記").unwrap();
        assert_eq!(s.record_changes(&id, 1, Some(2)).unwrap(), pending);
        assert!(s.record_changes(&id, 1, None).is_err(), "no draft is open after the correction");
        assert!(s.record_changes(&id, 1, Some(3)).is_err());
    }
}
