//! 利用料 (seed 002 記4(1)オ, 6(1)ア, 6(5); 別添1 §2(2); 別添2 §2(2)): the rules as a case table,
//! and the gate in the store: a charged repeat is held (確定) only after the payment is confirmed
//! or an exception is recorded with a reason.

use chisanpo_core::domain::fees::{assess, fee_amount, FeeAssessment, FEE_HOURLY_RATE_CAP};
use chisanpo_core::domain::{
    Consultation, ConsultationKind, Date, Diagnosis, Fatigue, GuidanceClass, HoursMeasure, Interview, InterviewKind, InterviewResult, Opinion, Place,
    RecordBody, RecordStatus, Requester, Staff, StaffRole, StressGuidance, StressScores, TimeOfDay, WorkClass, WorkStatus, Worker, Workplace,
};
use chisanpo_core::prelude::*;
use chisanpo_core::store::{KdfParams, Passphrase, Store};
use chisanpo_core::Error;

const RATE: u32 = 11_500;

fn d(y: i32, m: u32, day: u32) -> Option<Date> {
    Date::ymd(y, m, day)
}

fn consultation(worker: &str, on: Option<Date>, kinds: &[ConsultationKind], referral: Option<bool>) -> Consultation {
    Consultation {
        performed_on: on,
        start_time: TimeOfDay::hm(14, 0),
        end_time: TimeOfDay::hm(15, 30),
        place: Some(Place::MedicalInstitution),
        doctor_id: Some("doctor".into()),
        workplace_id: Some("workplace".into()),
        requester: Some(Requester::Employer),
        worker_id: Some(worker.into()),
        kinds: kinds.to_vec(),
        subject_count: kinds.contains(&ConsultationKind::OpinionHearing).then_some(1),
        referral,
        ..Default::default()
    }
}

fn guidance(worker: &str, on: Option<Date>) -> RecordBody {
    RecordBody::Consultation(consultation(worker, on, &[ConsultationKind::HealthGuidance], None))
}

fn mental(worker: &str, on: Option<Date>, referral: bool) -> RecordBody {
    RecordBody::Consultation(consultation(worker, on, &[ConsultationKind::MentalHealth], Some(referral)))
}

fn hearing(worker: &str, on: Option<Date>) -> RecordBody {
    RecordBody::Consultation(consultation(worker, on, &[ConsultationKind::OpinionHearing], None))
}

fn interview(worker: &str, on: Option<Date>, kind: InterviewKind) -> RecordBody {
    RecordBody::Interview(Interview {
        kind: Some(kind),
        performed_on: on,
        start_time: TimeOfDay::hm(13, 0),
        end_time: TimeOfDay::hm(13, 45),
        worker_id: Some(worker.into()),
        ..Default::default()
    })
}

#[test]
fn who_pays_case_table() {
    let (a, b) = ("worker-a", "worker-b");
    let (apr, jun, sep, mar) = (d(2025, 4, 1), d(2025, 6, 10), d(2025, 9, 1), d(2026, 3, 31));
    let next_fy = d(2026, 4, 1);
    // (what, candidate, earlier, charged)
    let cases: Vec<(&str, RecordBody, Vec<RecordBody>, bool)> = vec![
        ("the first 保健指導 is free", guidance(a, jun), vec![], false),
        ("a second 保健指導 in the fiscal year is charged", guidance(a, sep), vec![guidance(a, jun)], true),
        ("a 保健指導 on the last day of the fiscal year after one on the first", guidance(a, mar), vec![guidance(a, apr)], true),
        ("a second 保健指導 for another worker is free", guidance(a, sep), vec![guidance(b, jun)], false),
        ("a 保健指導 in the next fiscal year is free", guidance(a, next_fy), vec![guidance(a, mar)], false),
        ("the first メンタル相談 is free", mental(a, jun, true), vec![], false),
        ("a second メンタル相談 without an earlier 受診勧奨 is free", mental(a, sep, false), vec![mental(a, jun, false)], false),
        ("a second メンタル相談 after a 受診勧奨 is charged", mental(a, sep, false), vec![mental(a, jun, true)], true),
        ("the referral must be in the same fiscal year", mental(a, next_fy, false), vec![mental(a, mar, true)], false),
        ("a メンタル相談 after a 受診勧奨 given to another worker is free", mental(a, sep, false), vec![mental(b, jun, true)], false),
        ("a メンタル相談 after a 保健指導 is free", mental(a, sep, false), vec![guidance(a, jun)], false),
        ("a 保健指導 after a メンタル相談 with 受診勧奨 is free", guidance(a, sep), vec![mental(a, jun, true)], false),
        ("a second 意見聴取 is free", hearing(a, sep), vec![hearing(a, jun)], false),
        ("the first 面接指導 is free", interview(a, jun, InterviewKind::LongHours), vec![], false),
        ("a second 面接指導 is charged", interview(a, sep, InterviewKind::LongHours), vec![interview(a, jun, InterviewKind::LongHours)], true),
        (
            "a second 面接指導 under another article is charged",
            interview(a, sep, InterviewKind::HighStress),
            vec![interview(a, jun, InterviewKind::OtherLongHours)],
            true,
        ),
        ("a 面接指導 after a 保健指導 is free", interview(a, sep, InterviewKind::LongHours), vec![guidance(a, jun)], false),
        ("a 保健指導 after a 面接指導 is free", guidance(a, sep), vec![interview(a, jun, InterviewKind::LongHours)], false),
        ("a second 面接指導 for another worker is free", interview(a, sep, InterviewKind::LongHours), vec![interview(b, jun, InterviewKind::LongHours)], false),
        (
            "a 面接指導 in the next fiscal year is free",
            interview(a, next_fy, InterviewKind::LongHours),
            vec![interview(a, mar, InterviewKind::LongHours)],
            false,
        ),
        ("a record performed later does not make an earlier one a repeat", guidance(a, jun), vec![guidance(a, sep)], false),
        (
            "a visit covering 保健指導 and メンタル相談 after a 受診勧奨",
            RecordBody::Consultation(consultation(a, sep, &[ConsultationKind::HealthGuidance, ConsultationKind::MentalHealth], Some(false))),
            vec![mental(a, jun, true)],
            true,
        ),
        (
            "without a worker nothing is a repeat",
            RecordBody::Consultation(Consultation { worker_id: None, ..consultation(a, sep, &[ConsultationKind::HealthGuidance], None) }),
            vec![guidance(a, jun)],
            false,
        ),
        ("without a date nothing is a repeat", guidance(a, None), vec![guidance(a, jun)], false),
        ("an application is never charged", RecordBody::Application(Default::default()), vec![guidance(a, jun)], false),
    ];
    for (what, candidate, earlier, charged) in cases {
        let a = assess(&candidate, &earlier, RATE);
        assert_eq!(a.required, charged, "{what}: {a:?}");
        assert!(!a.reason.is_empty(), "{what}: a reason is always given");
        if charged {
            assert!(a.reason.contains("利用料の対象"), "{what}: {}", a.reason);
            assert_eq!(a.amount, a.minutes.map(|m| fee_amount(m, RATE)), "{what}");
        } else {
            assert_eq!(a.amount, None, "{what}: nothing to charge");
        }
    }
}

#[test]
fn the_fee_is_half_the_doctors_fee_for_the_time_spent() {
    let charged = |candidate: RecordBody| assess(&candidate, &[guidance("a", d(2025, 6, 10))], RATE);
    // 14:00–15:30 = 90 minutes; ½ × 11,500 × 1.5 = 8,625.
    let a = charged(guidance("a", d(2025, 9, 1)));
    assert_eq!(a, FeeAssessment { required: true, reason: a.reason.clone(), minutes: Some(90), hourly_rate: 11_500, amount: Some(8_625) });
    assert!(a.reason.contains("8,625円"), "{}", a.reason);
    // Rounded down to the yen: 45 minutes is 4,312.5 → 4,312.
    let RecordBody::Consultation(mut c) = guidance("a", d(2025, 9, 1)) else { unreachable!() };
    c.end_time = TimeOfDay::hm(14, 45);
    assert_eq!(charged(RecordBody::Consultation(c.clone())).amount, Some(4_312));
    // No times: still charged, the amount unknown.
    c.start_time = None;
    c.end_time = None;
    let a = charged(RecordBody::Consultation(c));
    assert!(a.required);
    assert_eq!((a.minutes, a.amount), (None, None));
    // A lower rate lowers the fee; a higher one is capped at the 上限額.
    assert_eq!(assess(&guidance("a", d(2025, 9, 1)), &[guidance("a", d(2025, 6, 10))], 10_000).amount, Some(7_500));
    let capped = assess(&guidance("a", d(2025, 9, 1)), &[guidance("a", d(2025, 6, 10))], 20_000);
    assert_eq!((capped.hourly_rate, capped.amount), (FEE_HOURLY_RATE_CAP, Some(8_625)));
}

// ---------------------------------------------------------------------------------------------
// The store and the gate
// ---------------------------------------------------------------------------------------------

const PASS: &str = "利用料テストのパスフレーズ";

struct Fixture {
    _tmp: tempfile::TempDir,
    store: Store,
    workplace: String,
    worker: String,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let profile = Staff { role: Some(StaffRole::Doctor), name: "産業 一郎".into(), ..Default::default() };
    let store = Store::init_with(&tmp.path().join("data"), &Passphrase::new(PASS), &profile, KdfParams::MINIMUM).unwrap().0;
    let workplace = store.add_workplace(&Workplace { name: "山田製作所".into(), ..Default::default() }).unwrap();
    let worker = store.add_worker(&Worker { workplace_id: workplace.clone(), name: "佐藤 花子".into(), ..Default::default() }).unwrap();
    Fixture { _tmp: tmp, store, workplace, worker }
}

impl Fixture {
    fn guidance(&self, on: Option<Date>) -> RecordBody {
        let mut c = consultation(&self.worker, on, &[ConsultationKind::HealthGuidance], None);
        c.doctor_id = Some(self.store.actor().id.clone());
        c.workplace_id = Some(self.workplace.clone());
        RecordBody::Consultation(c)
    }

    fn interview(&self, on: Option<Date>) -> RecordBody {
        RecordBody::Interview(Interview {
            kind: Some(InterviewKind::LongHours),
            performed_on: on,
            start_time: TimeOfDay::hm(13, 0),
            end_time: TimeOfDay::hm(14, 0),
            place: Some(Place::MedicalInstitution),
            doctor_id: Some(self.store.actor().id.clone()),
            workplace_id: Some(self.workplace.clone()),
            worker_id: Some(self.worker.clone()),
            work_status: Some(WorkStatus { period_from: d(2025, 5, 1), period_to: d(2025, 5, 31), total_hours: Some(267.1), ..Default::default() }),
            result: InterviewResult {
                fatigue: Some(Fatigue::Moderate),
                mind_body_attention: Some(false),
                diagnosis: Some(Diagnosis::Observation),
                work_class: Some(WorkClass::Restricted),
                guidance: Some(GuidanceClass::HealthGuidance),
                recommendation_needed: Some(true),
                ..Default::default()
            },
            opinion: Opinion { hours_measures: vec![HoursMeasure::OvertimeLimit { hours_per_month: Some(45.0) }], ..Default::default() },
            ..Default::default()
        })
    }

    /// A first 保健指導 held in June, and a second one planned for September.
    fn repeat(&self) -> String {
        let first = self.store.create_record(&self.guidance(d(2025, 6, 10))).unwrap();
        assert_eq!(self.store.finalise(&first).unwrap(), 1, "the first 保健指導 is free and is held at once");
        self.store.create_record(&self.guidance(d(2025, 9, 1))).unwrap()
    }

    fn status(&self, id: &str) -> RecordStatus {
        self.store.get_record(id).unwrap().summary.status
    }
}

#[test]
fn a_charged_repeat_is_not_held_before_payment() {
    let f = fixture();
    let id = f.repeat();
    let a = f.store.fee_assessment(&id).unwrap();
    assert!(a.required && a.amount == Some(8_625), "{a:?}");
    let err = f.store.finalise(&id).unwrap_err();
    assert!(matches!(err, Error::FeeRequired { amount: Some(8_625) }), "{err:?}");
    assert_eq!(err.code(), "fee_required");
    let msg = err.to_string();
    for part in ["利用料", "8,625円", "入金", "理由"] {
        assert!(msg.contains(part), "the message says {part}: {msg}");
    }
    assert!(!msg.contains("佐藤"), "no names in errors: {msg}");
    assert_eq!(f.status(&id), RecordStatus::Draft, "nothing was held");
    let awaiting = f.store.fees_awaiting().unwrap();
    assert_eq!(awaiting.iter().map(|s| s.record_id.as_str()).collect::<Vec<_>>(), [id.as_str()]);
    assert_eq!(awaiting[0].assessment.amount, Some(8_625));
    assert!(!awaiting[0].settled());
}

#[test]
fn a_confirmed_payment_opens_the_gate() {
    let f = fixture();
    let id = f.repeat();
    assert!(matches!(f.store.confirm_payment(&id, Date::ymd(2999, 1, 1).unwrap()), Err(Error::Invalid(_))), "a payment cannot be confirmed in the future");
    f.store.confirm_payment(&id, d(2025, 8, 25).unwrap()).unwrap();
    assert!(f.store.fees_awaiting().unwrap().is_empty());
    assert_eq!(f.store.finalise(&id).unwrap(), 1);
    assert_eq!(f.status(&id), RecordStatus::Final);
    let s = f.store.fee_status(&id).unwrap();
    assert_eq!(s.confirmed_on, d(2025, 8, 25));
    assert_eq!(s.confirmed_by.as_deref(), Some(f.store.actor().id.as_str()));
    assert_eq!(s.recorded_amount, Some(8_625));
    assert!(s.assessment.required && s.settled());
    // The payment is in the audit trail, with no names.
    let trail = f.store.audit_trail(&id).unwrap();
    assert_eq!(trail.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["create", "edit", "finalise"]);
    assert_eq!(trail[1].detail["fee"], "payment_confirmed");
    assert_eq!(trail[1].detail["amount"], 8_625);
    assert!(f.store.verify().unwrap().ok);
}

#[test]
fn an_exception_with_a_reason_opens_the_gate() {
    let f = fixture();
    let id = f.repeat();
    for blank in ["", "  ", "\n"] {
        let err = f.store.override_fee(&id, blank).unwrap_err();
        assert!(matches!(&err, Error::Invalid(v) if v[0].field == "override_reason"), "{err:?}");
    }
    assert!(matches!(f.store.finalise(&id), Err(Error::FeeRequired { .. })), "an empty reason records nothing");
    f.store.override_fee(&id, "前回の保健指導が途中で中断したため、センター長の判断で無料とした").unwrap();
    assert_eq!(f.store.finalise(&id).unwrap(), 1);
    let s = f.store.fee_status(&id).unwrap();
    assert_eq!(s.override_reason.as_deref(), Some("前回の保健指導が途中で中断したため、センター長の判断で無料とした"));
    assert_eq!(s.confirmed_on, None);
    // The free text stays in the fees table, not in the audit log.
    let trail = f.store.audit_trail(&id).unwrap();
    assert!(trail.iter().all(|e| !e.detail.to_string().contains("中断")), "{trail:?}");
}

#[test]
fn no_payment_or_exception_for_a_free_record() {
    let f = fixture();
    let first = f.store.create_record(&f.guidance(d(2025, 6, 10))).unwrap();
    assert!(!f.store.fee_assessment(&first).unwrap().required);
    assert!(matches!(f.store.confirm_payment(&first, d(2025, 6, 1).unwrap()), Err(Error::FeeNotRequired)));
    assert!(matches!(f.store.override_fee(&first, "理由"), Err(Error::FeeNotRequired)));
    assert!(f.store.fees_awaiting().unwrap().is_empty());
    assert!(matches!(f.store.fee_assessment("no-such-record"), Err(Error::NotFound { .. })));
}

#[test]
fn the_hourly_rate_is_a_setting_capped_at_11500() {
    let f = fixture();
    assert_eq!(f.store.fee_hourly_rate().unwrap(), 11_500, "the default is the 上限額");
    for bad in [0, 11_501, 20_000] {
        let err = f.store.set_fee_hourly_rate(bad).unwrap_err();
        assert!(matches!(&err, Error::Invalid(v) if v[0].field == "fee_hourly_rate"), "{bad}: {err:?}");
    }
    assert!(f.store.set_fee_hourly_rate(11_501).unwrap_err().to_string().contains("11,500円"));
    f.store.set_fee_hourly_rate(10_000).unwrap();
    let id = f.repeat();
    assert_eq!(f.store.fee_assessment(&id).unwrap().amount, Some(7_500));
    assert!(matches!(f.store.finalise(&id), Err(Error::FeeRequired { amount: Some(7_500) })));
    // A rate typed into the settings by hand above the cap is not used.
    f.store.set_setting("fee_hourly_rate", "30000").unwrap();
    assert_eq!(f.store.fee_hourly_rate().unwrap(), 11_500);
    assert_eq!(f.store.fee_assessment(&id).unwrap().amount, Some(8_625));
}

#[test]
fn a_second_interview_is_gated_and_corrections_are_not() {
    let f = fixture();
    let first = f.store.create_record(&f.interview(d(2025, 6, 20))).unwrap();
    assert_eq!(f.store.finalise(&first).unwrap(), 1);
    let second = f.store.create_record(&f.interview(d(2025, 7, 18))).unwrap();
    // 13:00–14:00: ½ × 11,500 = 5,750.
    assert!(matches!(f.store.finalise(&second), Err(Error::FeeRequired { amount: Some(5_750) })));
    f.store.confirm_payment(&second, d(2025, 7, 10).unwrap()).unwrap();
    assert_eq!(f.store.finalise(&second).unwrap(), 1);
    // A 訂正 of the first is not a new appointment.
    let RecordBody::Interview(mut i) = f.interview(d(2025, 6, 20)) else { unreachable!() };
    i.opinion.remarks = "措置の実施状況を次回確認する。".into();
    assert_eq!(f.store.amend(&first, &RecordBody::Interview(i), "追記").unwrap(), 2);
    // The second, looked at again after it was held, still counts the first as earlier.
    assert!(f.store.fee_assessment(&second).unwrap().required);
    assert!(!f.store.fee_assessment(&first).unwrap().required);
    // A high-stress interview in the next fiscal year is a first again.
    let RecordBody::Interview(mut hs) = f.interview(d(2026, 4, 20)) else { unreachable!() };
    hs.kind = Some(InterviewKind::HighStress);
    hs.work_status = None;
    hs.stress = Some(StressScores { a: Some(40), b: Some(80), c: Some(20), ..Default::default() });
    hs.result = InterviewResult { work_class: Some(WorkClass::Restricted), stress_guidance: vec![StressGuidance::HealthGuidance], ..Default::default() };
    hs.opinion.hours_measures = vec![HoursMeasure::OvertimeBan];
    let next = f.store.create_record(&RecordBody::Interview(hs)).unwrap();
    assert_eq!(f.store.finalise(&next).unwrap(), 1);
    assert!(f.store.verify().unwrap().ok);
}

#[test]
fn a_paid_appointment_is_not_discarded() {
    let f = fixture();
    let id = f.repeat();
    f.store.confirm_payment(&id, d(2025, 8, 25).unwrap()).unwrap();
    let err = f.store.discard_draft(&id).unwrap_err();
    assert!(matches!(&err, Error::Invalid(v) if v[0].field == "fee"), "{err:?}");
    assert_eq!(f.status(&id), RecordStatus::Draft);
    // An exception only goes with the appointment.
    let other = f.store.create_record(&f.guidance(d(2025, 10, 1))).unwrap();
    f.store.override_fee(&other, "予定の取消").unwrap();
    f.store.discard_draft(&other).unwrap();
    assert!(f.store.get_record(&other).is_err());
}
