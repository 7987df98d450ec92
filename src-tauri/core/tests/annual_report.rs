//! The annual report (別添3) against hand-counted fixtures, and its XLSX and JSON against each
//! other.
//!
//! The fixture covers every 延べ rule: the same worker twice (counts twice), one visit with two
//! kinds (counts in both), records corrected after finalising (count once, as corrected: place,
//! kind and date), 31 March and 1 April on either side of the fiscal year, drafts and an open
//! correction draft (not counted), sessions by place, the 事業場訪問 share (met and not met),
//! 協議会, coordinator days, other work, plan against actual, and that the ids behind every
//! number are exactly the records counted.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use chisanpo_core::demo;
use chisanpo_core::domain::{
    Activity, ActivityKind, Consultation, ConsultationKind, CouncilLevel, Date, Interview, InterviewKind, Place, RecordBody, RecordKind, RecordStatus,
    Requester, Staff, StaffRole, Worker, Workplace,
};
use chisanpo_core::forms::samples;
use chisanpo_core::ledger::annual::{AnnualCount, AnnualReport, InterviewRow, SUPPLEMENT_HEADING, SUPPLEMENT_NOTE, XLSX_SHEET};
use chisanpo_core::ledger::{LedgerFilter, LedgerKind};
use chisanpo_core::prelude::*;
use chisanpo_core::store::{KdfParams, Passphrase, Store};
use chisanpo_core::Error;

const PASS: &str = "実績報告書のテスト用パスフレーズ";
const CLINIC: &str = "さんぽクリニック";
const FACTORY: &str = "山田製作所";
const DESK: &str = "センター窓口";

fn d(y: i32, m: u32, day: u32) -> Date {
    Date::ymd(y, m, day).expect("a valid date")
}

struct Fixture {
    _dir: tempfile::TempDir,
    s: Store,
    d1: String,
    d2: String,
    n1: String,
    c1: String,
    cc: String,
    wa: String,
    wb: String,
    wc: String,
    a1: String,
    a2: String,
    b1: String,
    c1w: String,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let profile = Staff { role: Some(StaffRole::Doctor), name: "産業 一郎".into(), ..Default::default() };
    let (s, _) = Store::init_with(&dir.path().join("data"), &Passphrase::new(PASS), &profile, KdfParams::MINIMUM).unwrap();
    let d1 = s.actor().id.clone();
    let staff = |role, name: &str| s.add_staff(&Staff { role: Some(role), name: name.into(), ..Default::default() }).unwrap();
    let d2 = staff(StaffRole::Doctor, "医師 二郎");
    let n1 = staff(StaffRole::Nurse, "保健 花子");
    let c1 = staff(StaffRole::Coordinator, "調整 三郎");
    // The chief coordinator also coordinates: 2名と計上.
    let cc =
        s.add_staff(&Staff { role: Some(StaffRole::ChiefCoordinator), name: "統括 四郎".into(), concurrent_coordinator: true, ..Default::default() }).unwrap();
    let wp = |name: &str| s.add_workplace(&Workplace { name: name.into(), ..Default::default() }).unwrap();
    let (wa, wb, wc) = (wp("山田製作所"), wp("鈴木商店"), wp("田中運輸"));
    let worker = |wp: &str, name: &str| s.add_worker(&Worker { workplace_id: wp.into(), name: name.into(), ..Default::default() }).unwrap();
    let (a1, a2, b1, c1w) = (worker(&wa, "山田 一"), worker(&wa, "山田 二"), worker(&wb, "鈴木 三"), worker(&wc, "田中 四"));
    s.set_setting("centre_name", "テスト地域産業保健センター").unwrap();
    s.set_labour_bureau("静岡県").unwrap();
    s.set_zone_count("４").unwrap();
    Fixture { _dir: dir, s, d1, d2, n1, c1, cc, wa, wb, wc, a1, a2, b1, c1w }
}

#[allow(clippy::too_many_arguments)]
fn consultation(
    date: Date,
    place: Place,
    place_name: &str,
    doctor: &str,
    workplace: &str,
    worker: Option<&str>,
    kinds: &[ConsultationKind],
    subjects: Option<u32>,
) -> RecordBody {
    let mental = kinds.contains(&ConsultationKind::MentalHealth);
    RecordBody::Consultation(Consultation {
        performed_on: Some(date),
        place: Some(place),
        place_name: place_name.into(),
        doctor_id: Some(doctor.into()),
        workplace_id: Some(workplace.into()),
        worker_id: worker.map(str::to_string),
        requester: Some(Requester::Employer),
        kinds: kinds.to_vec(),
        subject_count: subjects,
        referral: mental.then_some(false),
        ..Default::default()
    })
}

fn interview(kind: InterviewKind, date: Date, place: Place, place_name: &str, doctor: &str, workplace: &str, worker: &str) -> RecordBody {
    let mut i: Interview = if kind == InterviewKind::HighStress { samples::high_stress() } else { samples::long_hours() };
    i.kind = Some(kind);
    i.received_on = Some(date);
    i.request.requested_on = Some(date);
    i.performed_on = Some(date);
    i.opinion_on = None;
    i.opinion.next_interview_on = None;
    if let Some(s) = &mut i.stress {
        s.checked_on = None;
    }
    i.place = Some(place);
    i.place_name = place_name.into();
    i.doctor_id = Some(doctor.into());
    i.workplace_id = Some(workplace.into());
    i.worker_id = Some(worker.into());
    i.application_id = None;
    RecordBody::Interview(i)
}

/// Finalise a draft. A repeat in the fiscal year is charged (利用料): the fixture records an
/// exception for it, as a centre would for a case it holds without the fee.
fn finalise(s: &Store, id: &str) {
    match s.finalise(id) {
        Ok(_) => {}
        Err(Error::FeeRequired { .. }) => {
            s.override_fee(id, "テストのため例外として実施").unwrap();
            s.finalise(id).unwrap();
        }
        Err(e) => panic!("finalise {id}: {e}"),
    }
}

fn held(s: &Store, body: RecordBody) -> String {
    let id = s.create_record(&body).unwrap();
    finalise(s, &id);
    id
}

fn set(ids: &[&String]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

/// The ids of a count as a set, checking none is listed twice.
fn ids(c: &AnnualCount) -> BTreeSet<String> {
    let out: BTreeSet<String> = c.ids.iter().cloned().collect();
    assert_eq!(out.len(), c.ids.len(), "an id is listed twice: {c:?}");
    out
}

/// The fixture's records, by name: K = consultation, I = interview.
#[allow(non_snake_case)]
struct Records {
    K1: String,
    K2: String,
    K3: String,
    K4: String,
    K5: String,
    K6: String,
    K7: String,
    K8: String,
    K9: String,
    K10: String,
    K11: String,
    K12: String,
    K13: String,
    K14: String,
    I1: String,
    I2: String,
    I3: String,
    I4: String,
    I5: String,
    I6: String,
}

fn records(f: &Fixture) -> Records {
    use ConsultationKind::*;
    use Place::*;
    let s = &f.s;
    // FY2025 runs from 2025-04-01 to 2026-03-31.
    // Session S1: 1 April, the clinic, doctor 1 — K1 and K2 (the same place written with a stray space).
    let k1 = held(s, consultation(d(2025, 4, 1), MedicalInstitution, CLINIC, &f.d1, &f.wa, Some(&f.a1), &[HealthGuidance], None));
    // One visit, two kinds: counts under ② and ③.
    let k2 = held(s, consultation(d(2025, 4, 1), MedicalInstitution, " さんぽクリニック ", &f.d1, &f.wa, Some(&f.a2), &[HealthGuidance, MentalHealth], None));
    // S2: the same day and clinic but another doctor: a session of its own.
    let k14 = held(s, consultation(d(2025, 4, 1), MedicalInstitution, CLINIC, &f.d2, &f.wc, Some(&f.c1w), &[HealthGuidance], None));
    // S3: a workplace visit with two 意見聴取 for the same workplace: 2 事業場 (延べ), 5 + 3 workers.
    let k3 = held(s, consultation(d(2025, 6, 10), WorkplaceVisit, FACTORY, &f.d1, &f.wa, None, &[OpinionHearing], Some(5)));
    let k4 = held(s, consultation(d(2025, 6, 10), WorkplaceVisit, FACTORY, &f.d1, &f.wa, None, &[OpinionHearing], Some(3)));
    // S4: the centre's desk, the nurse: worker b1 (保健指導) and an employer (メンタル相談).
    let k5 = held(s, consultation(d(2025, 9, 1), OtherFacility, DESK, &f.n1, &f.wb, Some(&f.b1), &[HealthGuidance], None));
    let k13 = held(s, consultation(d(2025, 9, 1), OtherFacility, DESK, &f.n1, &f.wb, None, &[MentalHealth], None));
    // An open correction draft of K13 changes its kind; the finalised version still counts.
    s.save_draft(&k13, &consultation(d(2025, 9, 1), OtherFacility, DESK, &f.n1, &f.wb, None, &[HealthGuidance], None)).unwrap();
    // S5: the same worker b1 again (延べ: counts twice).
    let k6 = held(s, consultation(d(2025, 10, 1), OtherFacility, DESK, &f.n1, &f.wb, Some(&f.b1), &[HealthGuidance], None));
    // K11: held at the clinic as 保健指導, corrected to a workplace visit and メンタル相談 (S6).
    let k11 = held(s, consultation(d(2025, 11, 5), MedicalInstitution, CLINIC, &f.d1, &f.wb, Some(&f.b1), &[HealthGuidance], None));
    s.amend(&k11, &consultation(d(2025, 11, 5), WorkplaceVisit, "鈴木商店", &f.d1, &f.wb, Some(&f.b1), &[MentalHealth], None), "実施場所と相談内容の誤記")
        .unwrap();
    // S7: 31 March is the last day of FY2025.
    let k7 = held(s, consultation(d(2026, 3, 31), MedicalInstitution, CLINIC, &f.d2, &f.wc, Some(&f.c1w), &[MentalHealth], None));
    // 1 April 2026 is FY2026.
    let k8 = held(s, consultation(d(2026, 4, 1), MedicalInstitution, CLINIC, &f.d1, &f.wc, None, &[MentalHealth], None));
    // 31 March 2025 is FY2024.
    let k9 = held(s, consultation(d(2025, 3, 31), MedicalInstitution, CLINIC, &f.d1, &f.wa, None, &[OpinionHearing], Some(2)));
    // A draft of FY2025: not counted.
    let k10 = s.create_record(&consultation(d(2025, 7, 1), MedicalInstitution, CLINIC, &f.d1, &f.wa, Some(&f.a1), &[HealthGuidance], None)).unwrap();
    // K12: held in FY2025, corrected to a date in FY2026: it moves.
    let k12 = held(s, consultation(d(2025, 12, 1), MedicalInstitution, CLINIC, &f.d1, &f.wc, None, &[HealthGuidance], None));
    s.amend(&k12, &consultation(d(2026, 4, 2), MedicalInstitution, CLINIC, &f.d1, &f.wc, None, &[HealthGuidance], None), "実施日の誤記").unwrap();

    use InterviewKind::*;
    // Interview sessions: (1 May, clinic, d1: I1 and I3), (15 July, visit, d2: I4), (1 August, clinic, d1: I2), (1 December, desk, d1: I5).
    let i1 = held(s, interview(LongHours, d(2025, 5, 1), MedicalInstitution, CLINIC, &f.d1, &f.wa, &f.a1));
    let i3 = held(s, interview(OtherLongHours, d(2025, 5, 1), MedicalInstitution, CLINIC, &f.d1, &f.wb, &f.b1));
    let i4 = held(s, interview(HighStress, d(2025, 7, 15), WorkplaceVisit, FACTORY, &f.d2, &f.wa, &f.a2));
    // The same worker a1 again: counts twice.
    let i2 = held(s, interview(LongHours, d(2025, 8, 1), MedicalInstitution, CLINIC, &f.d1, &f.wa, &f.a1));
    // Held as 66条の8, corrected to 66条の10.
    let i5 = held(s, interview(LongHours, d(2025, 12, 1), OtherFacility, DESK, &f.d1, &f.wc, &f.c1w));
    s.amend(&i5, &interview(HighStress, d(2025, 12, 1), OtherFacility, DESK, &f.d1, &f.wc, &f.c1w), "面接指導の区分の誤記").unwrap();
    // A draft interview: not counted.
    let i6 = s.create_record(&interview(OtherLongHours, d(2025, 6, 1), MedicalInstitution, CLINIC, &f.d1, &f.wb, &f.b1)).unwrap();

    Records {
        K1: k1,
        K2: k2,
        K3: k3,
        K4: k4,
        K5: k5,
        K6: k6,
        K7: k7,
        K8: k8,
        K9: k9,
        K10: k10,
        K11: k11,
        K12: k12,
        K13: k13,
        K14: k14,
        I1: i1,
        I2: i2,
        I3: i3,
        I4: i4,
        I5: i5,
        I6: i6,
    }
}

struct Activities {
    pref: String,
    zone1: String,
    zone2: String,
    days_2025: Vec<String>,
    day_2026: String,
    other: Vec<String>,
}

fn activities(f: &Fixture) -> Activities {
    let s = &f.s;
    let council = |date, level| {
        s.add_activity(&Activity { kind: Some(ActivityKind::Council), held_on: Some(date), council_level: Some(level), ..Default::default() }).unwrap()
    };
    let pref = council(d(2025, 7, 1), CouncilLevel::Prefecture);
    let zone1 = council(d(2025, 10, 1), CouncilLevel::Zone);
    let zone2 = council(d(2026, 2, 1), CouncilLevel::Zone);
    council(d(2025, 3, 31), CouncilLevel::Zone); // FY2024
    let day = |date, staff: &str| {
        s.add_activity(&Activity { kind: Some(ActivityKind::CoordinatorDay), held_on: Some(date), staff_id: Some(staff.into()), ..Default::default() }).unwrap()
    };
    let days_2025 = vec![day(d(2025, 4, 1), &f.c1), day(d(2025, 4, 2), &f.c1), day(d(2025, 4, 1), &f.cc), day(d(2026, 3, 31), &f.c1)];
    let day_2026 = day(d(2026, 4, 1), &f.c1);
    let other = |date, text: &str, count| {
        s.add_activity(&Activity { kind: Some(ActivityKind::OtherWork), held_on: Some(date), description: text.into(), count, ..Default::default() }).unwrap()
    };
    let other = vec![other(d(2025, 5, 20), "事業場への周知訪問", Some(3)), other(d(2025, 8, 8), "研修会の講師", None)];
    Activities { pref, zone1, zone2, days_2025, day_2026, other }
}

fn plans(s: &Store) {
    for (item, n) in [
        ("consultation_sessions", 10),
        ("opinion_workplaces", 5),
        ("opinion_workers", 20),
        ("health_guidance", 4),
        ("mental_health", 6),
        ("interview_sessions", 3),
        ("interview_long_hours", 2),
    ] {
        s.set_annual_plan(2025, item, n).unwrap();
    }
    s.set_annual_plan(2024, "consultation_sessions", 99).unwrap();
}

#[test]
fn hand_counted_fiscal_year() {
    let f = fixture();
    let r = records(&f);
    let a = activities(&f);
    plans(&f.s);
    let rep = f.s.annual_report(2025).unwrap();

    assert_eq!(rep.fiscal_year_label, "令和7年度");
    assert_eq!(rep.period_label, "令和7年4月1日 ～ 令和8年3月31日");
    assert_eq!(rep.centre_name, "テスト地域産業保健センター");

    assert_eq!((rep.labour_bureau.as_str(), rep.zone_count.as_str()), ("静岡労働局", "4"));
    assert!(rep.unset_fields.is_empty(), "{:?}", rep.unset_fields);

    // I 従事者: 2 doctors, 1 nurse, 2 coordinators of whom 1 chief who also coordinates: 3.
    assert_eq!(ids(&rep.staff.doctors), set(&[&f.d1, &f.d2]));
    assert_eq!(ids(&rep.staff.nurses), set(&[&f.n1]));
    assert_eq!(ids(&rep.staff.coordinators), set(&[&f.c1, &f.cc]));
    assert_eq!(ids(&rep.staff.chief_coordinators), set(&[&f.cc]));
    assert_eq!(ids(&rep.staff.concurrent_chief_coordinators), set(&[&f.cc]));
    assert_eq!((rep.staff.doctors.value, rep.staff.nurses.value, rep.staff.coordinators.value), (2, 1, 3));

    // II-1: the records counted.
    let c = &rep.consultations;
    assert_eq!(ids(&c.records), set(&[&r.K1, &r.K2, &r.K3, &r.K4, &r.K5, &r.K6, &r.K7, &r.K11, &r.K13, &r.K14]));
    assert_eq!(c.records.value, 10);
    // Sessions: S1 (K1, K2), S2 (K14), S7 (K7) at 医療機関; S3 (K3, K4), S6 (K11) 事業場訪問; S4 (K5, K13), S5 (K6) その他施設.
    let sp = &c.sessions;
    assert_eq!((sp.medical_institution.value, sp.workplace_visit.value, sp.other_facility.value, sp.total.actual.value), (3, 2, 2, 7));
    assert_eq!(ids(&sp.medical_institution), set(&[&r.K1, &r.K2, &r.K14, &r.K7]));
    assert_eq!(ids(&sp.workplace_visit), set(&[&r.K3, &r.K4, &r.K11]));
    assert_eq!(ids(&sp.other_facility), set(&[&r.K5, &r.K13, &r.K6]));
    assert_eq!(ids(&sp.total.actual), ids(&c.records));
    assert_eq!(sp.sessions.len(), 7);
    let s1 = &sp.sessions[0];
    assert_eq!((s1.date, s1.place, s1.place_name.as_str(), s1.doctor_id.as_deref()), (d(2025, 4, 1), Place::MedicalInstitution, CLINIC, Some(f.d1.as_str())));
    assert_eq!(s1.record_ids.iter().collect::<BTreeSet<_>>(), [&r.K1, &r.K2].into_iter().collect());
    assert_eq!((sp.total.planned, sp.total.item.as_str()), (Some(10), "consultation_sessions"));

    // ① 意見聴取: the same workplace twice counts twice; workers 5 + 3.
    assert_eq!((c.opinion_workplaces.actual.value, c.opinion_workplaces.planned), (2, Some(5)));
    assert_eq!(ids(&c.opinion_workplaces.actual), set(&[&r.K3, &r.K4]));
    assert_eq!((c.opinion_workers.actual.value, c.opinion_workers.planned), (8, Some(20)));
    assert_eq!(ids(&c.opinion_workers.actual), set(&[&r.K3, &r.K4]));
    // ② 保健指導: b1 twice (K5, K6); K2 with two kinds; K11 corrected away; K13's draft ignored; K10 a draft; K12 moved out.
    assert_eq!((c.health_guidance.actual.value, c.health_guidance.planned), (5, Some(4)));
    assert_eq!(ids(&c.health_guidance.actual), set(&[&r.K1, &r.K2, &r.K5, &r.K6, &r.K14]));
    // ③ メンタル: K2 (two kinds), K13 (finalised version), K11 (corrected to it), K7 (31 March).
    assert_eq!((c.mental_health.actual.value, c.mental_health.planned), (4, Some(6)));
    assert_eq!(ids(&c.mental_health.actual), set(&[&r.K2, &r.K13, &r.K11, &r.K7]));

    // 事業場訪問の割合: 2 of 7 sessions (28.6%), 3 of 10 records: met.
    let share = &rep.workplace_visit_share;
    assert_eq!(share.target, 0.2);
    assert_eq!((share.by_sessions.part.value, share.by_sessions.whole.value), (2, 7));
    assert!((share.by_sessions.ratio.unwrap() - 2.0 / 7.0).abs() < 1e-12);
    assert_eq!((share.by_records.part.value, share.by_records.whole.value), (3, 10));
    assert_eq!(ids(&share.by_records.part), set(&[&r.K3, &r.K4, &r.K11]));
    assert!(share.met && share.by_sessions.met && share.by_records.met);

    // II-2 面接指導.
    let i = &rep.interviews;
    assert_eq!(ids(&i.records), set(&[&r.I1, &r.I2, &r.I3, &r.I4, &r.I5]));
    let ip = &i.sessions;
    assert_eq!((ip.medical_institution.value, ip.workplace_visit.value, ip.other_facility.value, ip.total.actual.value), (2, 1, 1, 4));
    assert_eq!(ids(&ip.medical_institution), set(&[&r.I1, &r.I3, &r.I2]));
    assert_eq!(ids(&ip.workplace_visit), set(&[&r.I4]));
    assert_eq!(ids(&ip.other_facility), set(&[&r.I5]));
    assert_eq!(ip.total.planned, Some(3));
    assert_eq!((i.long_hours.actual.value, i.long_hours.planned), (2, Some(2)));
    assert_eq!(ids(&i.long_hours.actual), set(&[&r.I1, &r.I2]));
    assert_eq!((i.other_long_hours.actual.value, i.other_long_hours.planned), (1, None));
    assert_eq!(ids(&i.other_long_hours.actual), set(&[&r.I3]));
    assert_eq!((i.high_stress.actual.value, i.high_stress.planned), (2, None));
    assert_eq!(ids(&i.high_stress.actual), set(&[&r.I4, &r.I5]));
    // By kind, each with the row of the sheet it is counted on.
    let by_kind: Vec<(InterviewKind, InterviewRow, u64)> = i.by_kind.iter().map(|k| (k.kind, k.row, k.actual.value)).collect();
    assert_eq!(
        by_kind,
        [
            (InterviewKind::LongHours, InterviewRow::LongHours, 2),
            (InterviewKind::ResearchOver100, InterviewRow::Supplementary, 0),
            (InterviewKind::HighlyProfessional, InterviewRow::Supplementary, 0),
            (InterviewKind::OtherLongHours, InterviewRow::OtherLongHours, 1),
            (InterviewKind::HighStress, InterviewRow::Supplementary, 2)
        ]
    );
    assert_eq!(i.by_kind.iter().map(|k| k.actual.value).sum::<u64>(), i.records.value, "every interview is counted under one kind");

    // Month by month (the screen's chart): the same records and sessions, each in the month of
    // its latest version. (month, 相談, ①, ②, ③, 面接指導, 相談の開催, うち事業場訪問)
    let months: Vec<(u32, [u64; 7])> = rep
        .by_month
        .iter()
        .map(|m| {
            (
                m.month,
                [m.consultations, m.opinion_hearing, m.health_guidance, m.mental_health, m.interviews, m.consultation_sessions, m.workplace_visit_sessions],
            )
        })
        .collect();
    #[rustfmt::skip]
    assert_eq!(months, [
        (4, [3, 0, 3, 1, 0, 2, 0]),  // K1, K2 (two kinds), K14; S1, S2
        (5, [0, 0, 0, 0, 2, 0, 0]),  // I1, I3
        (6, [2, 2, 0, 0, 0, 1, 1]),  // K3, K4 at S3, a visit; the draft I6 is not counted
        (7, [0, 0, 0, 0, 1, 0, 0]),  // I4; the draft K10 is not counted
        (8, [0, 0, 0, 0, 1, 0, 0]),  // I2
        (9, [2, 0, 1, 1, 0, 1, 0]),  // K5, K13 (its finalised version)
        (10, [1, 0, 1, 0, 0, 1, 0]), // K6
        (11, [1, 0, 0, 1, 0, 1, 1]), // K11 as corrected: a visit, メンタル相談
        (12, [0, 0, 0, 0, 1, 0, 0]), // I5; K12 moved to FY2026
        (1, [0; 7]),
        (2, [0; 7]),
        (3, [1, 0, 0, 1, 0, 1, 0]),  // K7 on 31 March
    ]);
    assert_eq!((rep.by_month[0].year, rep.by_month[11].year), (2025, 2026));
    assert_eq!(rep.by_month.iter().map(|m| m.consultations).sum::<u64>(), c.records.value);
    assert_eq!(rep.by_month.iter().map(|m| m.workplace_visit_sessions).sum::<u64>(), share.by_sessions.part.value);

    // Drafts are listed, not counted.
    assert_eq!(ids(&rep.pending_drafts), set(&[&r.K10, &r.I6]));

    // II-3, III, IV.
    assert_eq!(ids(&rep.councils.prefecture), set(&[&a.pref]));
    assert_eq!(ids(&rep.councils.zone), set(&[&a.zone1, &a.zone2]));
    assert_eq!(rep.coordinator_days.total.value, 4);
    assert_eq!(ids(&rep.coordinator_days.total), a.days_2025.iter().cloned().collect());
    let by: Vec<(String, u64)> = rep.coordinator_days.by_coordinator.iter().map(|t| (t.staff_id.clone(), t.days.value)).collect();
    let mut want = vec![(f.c1.clone(), 3), (f.cc.clone(), 1)];
    want.sort();
    assert_eq!(by, want);
    assert_eq!(rep.other_work.total.value, 4);
    assert_eq!(ids(&rep.other_work.total), a.other.iter().cloned().collect());
    let items: Vec<(&str, u32)> = rep.other_work.items.iter().map(|w| (w.description.as_str(), w.count)).collect();
    assert_eq!(items, [("事業場への周知訪問", 3), ("研修会の講師", 1)]);

    // Nothing of FY2025 was counted from another year or from a draft.
    for id in [&r.K8, &r.K9, &r.K12, &r.K10, &r.I6] {
        assert!(!ids(&c.records).contains(id.as_str()) && !ids(&i.records).contains(id.as_str()), "{id}");
    }
}

#[test]
fn neighbouring_years_take_their_own_records() {
    let f = fixture();
    let r = records(&f);
    let a = activities(&f);
    plans(&f.s);

    // FY2026: K8 (1 April) and K12 (corrected to 2 April), both at the clinic: 0 of 2 sessions at a workplace.
    let next = f.s.annual_report(2026).unwrap();
    assert_eq!(ids(&next.consultations.records), set(&[&r.K8, &r.K12]));
    assert_eq!(next.consultations.sessions.total.actual.value, 2);
    assert_eq!(ids(&next.consultations.health_guidance.actual), set(&[&r.K12]));
    assert_eq!(ids(&next.consultations.mental_health.actual), set(&[&r.K8]));
    let share = &next.workplace_visit_share;
    assert_eq!(share.by_sessions.ratio, Some(0.0));
    assert!(!share.met && !share.by_records.met);
    assert_eq!(ids(&next.coordinator_days.total), set(&[&a.day_2026]));
    assert_eq!(next.consultations.sessions.total.planned, None, "plans are per year");
    assert_eq!(next.interviews.records.value, 0);

    // FY2024: K9 (31 March 2025).
    let before = f.s.annual_report(2024).unwrap();
    assert_eq!(ids(&before.consultations.records), set(&[&r.K9]));
    assert_eq!((before.consultations.opinion_workplaces.actual.value, before.consultations.opinion_workers.actual.value), (1, 2));
    assert_eq!(before.councils.zone.value, 1);
    assert_eq!(before.consultations.sessions.total.planned, Some(99));
    // Nothing was done at a workplace, and nothing is divided by zero.
    let empty = f.s.annual_report(2030).unwrap();
    assert_eq!(empty.workplace_visit_share.by_sessions.ratio, None);
    assert!(!empty.workplace_visit_share.met);
    assert_eq!(empty.staff.doctors.value, 2, "staff are counted whatever the year");
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn num(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// The rows whose first column is `label`, in order.
fn rows_labeled<'a>(sheet: &'a Range<Data>, label: &str) -> Vec<&'a [Data]> {
    let found: Vec<&[Data]> = sheet.rows().filter(|r| r.first().map(cell_text).as_deref() == Some(label)).collect();
    assert!(!found.is_empty(), "no row labelled {label}");
    found
}

/// The value (column B) of the `nth` row labelled `label`.
fn value_of(sheet: &Range<Data>, label: &str, nth: usize) -> Option<f64> {
    num(&rows_labeled(sheet, label)[nth][1])
}

/// (計画, 実績) of the `nth` row labelled `label`.
fn plan_actual(sheet: &Range<Data>, label: &str, nth: usize) -> (Option<f64>, Option<f64>) {
    let row = rows_labeled(sheet, label)[nth];
    (num(&row[1]), num(&row[2]))
}

#[test]
fn xlsx_and_json_hold_the_same_numbers() {
    let f = fixture();
    records(&f);
    activities(&f);
    plans(&f.s);
    let out = tempfile::tempdir().unwrap();
    let (xlsx, json) = (out.path().join("実績報告書.xlsx"), out.path().join("実績報告書.json"));
    let rep = f.s.write_annual_report(2025, &xlsx, Some(&json)).unwrap();
    assert_eq!(rep, f.s.annual_report(2025).unwrap());

    // The JSON is the report, with the ids of every cell.
    let text = std::fs::read_to_string(&json).unwrap();
    let back: AnnualReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, rep);
    assert_eq!(text, rep.to_json());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["consultations"]["health_guidance"]["actual"]["value"], 5);
    assert_eq!(v["consultations"]["health_guidance"]["actual"]["ids"].as_array().unwrap().len(), 5);
    assert_eq!(v["consultations"]["health_guidance"]["item"], "health_guidance");
    assert!(text.contains('\n'), "pretty");

    // The XLSX, read back: the numbers are the report's (the layout is checked cell by cell in
    // `the_sheet_is_the_mhlw_form_cell_by_cell`).
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    // The 別添3 sheet first, as the 労働局 gives it; 訪問指導の補足 beside it, on a sheet of its own.
    assert_eq!(book.sheet_names(), [XLSX_SHEET, chisanpo_core::ledger::annual::XLSX_VISITS_SHEET]);
    let sheet = book.worksheet_range(XLSX_SHEET).unwrap();
    let n = |v: u64| Some(v as f64);
    let p = |v: Option<u32>| v.map(f64::from);
    assert_eq!(value_of(&sheet, "産業医の人数", 0), n(rep.staff.doctors.value));
    assert_eq!(value_of(&sheet, "保健師の人数", 0), n(rep.staff.nurses.value));
    assert_eq!(value_of(&sheet, "コーディネーターの人数(統括を含む)", 0), n(rep.staff.coordinators.value));
    for (nth, s) in [(0, &rep.consultations.sessions), (1, &rep.interviews.sessions)] {
        assert_eq!(value_of(&sheet, "医療機関", nth), n(s.medical_institution.value));
        assert_eq!(value_of(&sheet, "事業場訪問", nth), n(s.workplace_visit.value));
        assert_eq!(value_of(&sheet, "その他施設", nth), n(s.other_facility.value));
        assert_eq!(value_of(&sheet, "計", nth), n(s.total.actual.value));
    }
    let c = &rep.consultations;
    for (label, line) in [
        ("①健診結果に基づく医師の意見 相談事業場数(延べ)", &c.opinion_workplaces),
        ("　意見対象労働者数(延べ)", &c.opinion_workers),
        ("②脳心臓疾患有リスク者保健指導(延べ)", &c.health_guidance),
        ("③メンタル不調者相談・指導(延べ)", &c.mental_health),
        ("特定健康相談 場所別開催回数 計", &c.sessions.total),
        ("面接指導 場所別開催回数 計", &rep.interviews.sessions.total),
        ("面接指導 ①法66条の8(延べ)", &rep.interviews.long_hours),
        ("面接指導 ②法66条の9(延べ)", &rep.interviews.other_long_hours),
        ("面接指導 法66条の10（高ストレス者）(延べ)", &rep.interviews.high_stress),
    ] {
        assert_eq!(plan_actual(&sheet, label, 0), (p(line.planned), n(line.actual.value)), "{label}");
    }
    assert_eq!(value_of(&sheet, "①100時間超申し出者(法66条の8)(延べ)", 0), n(rep.interviews.long_hours.actual.value));
    assert_eq!(value_of(&sheet, "②その他長時間労働者等(法66条の9)(延べ)", 0), n(rep.interviews.other_long_hours.actual.value));
    assert_eq!(value_of(&sheet, "都道府県単位の協議会", 0), n(rep.councils.prefecture.value));
    assert_eq!(value_of(&sheet, "圏域単位の協議会", 0), n(rep.councils.zone.value));
    assert_eq!(value_of(&sheet, "活動日数(延べ)", 0), n(rep.coordinator_days.total.value));

    // The export is in the audit log, with the year and no names.
    let trail = f.s.audit_trail(f.s.store_id()).unwrap();
    let export = trail.iter().rev().find(|e| e.action == "export").expect("an export entry");
    assert_eq!(export.detail["report"], "annual_report");
    assert_eq!(export.detail["fiscal_year"], 2025);
    assert_eq!(export.detail["formats"], serde_json::json!(["xlsx", "json"]));
    let detail = export.detail.to_string();
    assert!(!detail.contains("センター") && !detail.contains("実績報告書.xlsx"), "{detail}");

    // Written again over the old files, without the JSON: no temporary files are left.
    f.s.write_annual_report(2025, &xlsx, None).unwrap();
    let names: Vec<String> = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

/// A cell of the expected sheet.
#[derive(Debug, Clone, PartialEq)]
enum X {
    S(&'static str),
    N(f64),
}

fn read_cell(d: &Data) -> Option<X> {
    match d {
        Data::Empty => None,
        Data::String(s) if s.is_empty() => None,
        Data::String(s) => Some(X::S(Box::leak(s.clone().into_boxed_str()))),
        Data::Float(f) => Some(X::N(*f)),
        Data::Int(i) => Some(X::N(*i as f64)),
        other => Some(X::S(Box::leak(other.to_string().into_boxed_str()))),
    }
}

/// 別添3 as seed 002 prints it, with the fixture's numbers, row by row (1-based, as Excel numbers
/// rows), columns A–E; then the 参考 below. Every cell not listed must be empty.
fn expected_sheet(share: f64) -> Vec<(u32, Vec<(char, X)>)> {
    use X::*;
    let row = |r: u32, cells: &[(char, X)]| (r, cells.to_vec());
    vec![
        row(1, &[('A', S("地域産業保健事業実績報告書"))]),
        row(2, &[('A', S("期間：令和7年4月1日 ～ 令和8年3月31日"))]),
        row(4, &[('A', S("I 基本的事項"))]),
        row(5, &[('A', S("1 実施機関（委託先）名")), ('B', S("テスト地域産業保健センター"))]),
        row(6, &[('A', S("2 労働局名")), ('B', S("静岡労働局"))]),
        row(7, &[('A', S("3 圏域の数")), ('B', N(4.0))]),
        row(8, &[('A', S("4 従事者"))]),
        row(9, &[('A', S("産業医の人数")), ('B', N(2.0)), ('D', S("人"))]),
        row(10, &[('A', S("保健師の人数")), ('B', N(1.0)), ('D', S("人"))]),
        row(11, &[('A', S("コーディネーターの人数(統括を含む)")), ('B', N(3.0)), ('D', S("人")), ('E', S("(※統括兼務のコーディネーターは2名と計上)"))]),
        row(13, &[('A', S("II 事業実績"))]),
        row(14, &[('A', S("1 特定健康相談"))]),
        row(15, &[('A', S("場所別開催回数"))]),
        row(16, &[('A', S("医療機関")), ('B', N(3.0)), ('D', S("回"))]),
        row(17, &[('A', S("事業場訪問")), ('B', N(2.0)), ('D', S("回"))]),
        row(18, &[('A', S("その他施設")), ('B', N(2.0)), ('D', S("回"))]),
        row(19, &[('A', S("計")), ('B', N(7.0)), ('D', S("回"))]),
        row(20, &[('A', S("相談実施件数"))]),
        row(21, &[('B', S("計画")), ('C', S("実績"))]),
        row(22, &[('A', S("①健診結果に基づく医師の意見 相談事業場数(延べ)")), ('B', N(5.0)), ('C', N(2.0)), ('D', S("事業場")), ('E', S("(※2回以上実施した事業場はそれぞれ計上)"))]),
        row(23, &[('A', S("　意見対象労働者数(延べ)")), ('B', N(20.0)), ('C', N(8.0)), ('D', S("人"))]),
        row(24, &[('A', S("②脳心臓疾患有リスク者保健指導(延べ)")), ('B', N(4.0)), ('C', N(5.0)), ('D', S("人")), ('E', S("(※同一労働者が2回以上対象となった場合はそれぞれ計上)"))]),
        row(25, &[('A', S("③メンタル不調者相談・指導(延べ)")), ('B', N(6.0)), ('C', N(4.0)), ('D', S("人")), ('E', S("(同上)"))]),
        row(27, &[('A', S("2 面接指導"))]),
        row(28, &[('A', S("場所別開催回数"))]),
        row(29, &[('A', S("医療機関")), ('B', N(2.0)), ('D', S("回"))]),
        row(30, &[('A', S("事業場訪問")), ('B', N(1.0)), ('D', S("回"))]),
        row(31, &[('A', S("その他施設")), ('B', N(1.0)), ('D', S("回"))]),
        row(32, &[('A', S("計")), ('B', N(4.0)), ('D', S("回"))]),
        row(33, &[('A', S("面接指導実施人数"))]),
        row(34, &[('A', S("①100時間超申し出者(法66条の8)(延べ)")), ('B', N(2.0)), ('D', S("人")), ('E', S("(※同一労働者に2回以上実施した場合はそれぞれ計上)"))]),
        row(35, &[('A', S("②その他長時間労働者等(法66条の9)(延べ)")), ('B', N(1.0)), ('D', S("人")), ('E', S("(同上)"))]),
        row(37, &[('A', S("3 地域産業保健事業運営協議会"))]),
        row(38, &[('A', S("開催回数"))]),
        row(39, &[('A', S("都道府県単位の協議会")), ('B', N(1.0)), ('D', S("回"))]),
        row(40, &[('A', S("圏域単位の協議会")), ('B', N(2.0)), ('D', S("回"))]),
        row(42, &[('A', S("III コーディネーター"))]),
        row(43, &[('A', S("活動日数(延べ)")), ('B', N(4.0)), ('D', S("日")), ('E', S("(※各コーディネーター(統括を含む)の活動日数の合計)"))]),
        row(45, &[('A', S("IV その他"))]),
        row(46, &[('A', S("上記以外の業務を行った場合は以下に内容及び回数等を記載ください。"))]),
        row(47, &[('A', S("事業内容")), ('B', S("回数等"))]),
        row(48, &[('A', S("事業場への周知訪問")), ('B', N(3.0)), ('D', S("回"))]),
        row(49, &[('A', S("研修会の講師")), ('B', N(1.0)), ('D', S("回"))]),
        // Row 50 starts the second page: the 参考.
        row(51, &[('A', S(SUPPLEMENT_HEADING))]),
        row(52, &[('A', S(SUPPLEMENT_NOTE))]),
        row(53, &[('B', S("計画")), ('C', S("実績"))]),
        row(54, &[('A', S("特定健康相談 場所別開催回数 計")), ('B', N(10.0)), ('C', N(7.0)), ('D', S("回")), ('E', S("様式には計画欄がありません"))]),
        row(55, &[('A', S("面接指導 場所別開催回数 計")), ('B', N(3.0)), ('C', N(4.0)), ('D', S("回")), ('E', S("同上"))]),
        row(56, &[('A', S("面接指導 ①法66条の8(延べ)")), ('B', N(2.0)), ('C', N(2.0)), ('D', S("人")), ('E', S("同上"))]),
        row(57, &[('A', S("面接指導 ②法66条の9(延べ)")), ('C', N(1.0)), ('D', S("人")), ('E', S("同上"))]),
        row(
            58,
            &[
                ('A', S("面接指導 法66条の8の2（研究開発業務・月100時間超）(延べ)")),
                ('C', N(0.0)),
                ('D', S("人")),
                ('E', S("様式に該当する行がありません。場所別開催回数には含みます")),
            ],
        ),
        row(
            59,
            &[
                ('A', S("面接指導 法66条の8の4（高度プロフェッショナル）(延べ)")),
                ('C', N(0.0)),
                ('D', S("人")),
                ('E', S("様式に該当する行がありません。場所別開催回数には含みます")),
            ],
        ),
        row(
            60,
            &[
                ('A', S("面接指導 法66条の10（高ストレス者）(延べ)")),
                ('C', N(2.0)),
                ('D', S("人")),
                ('E', S("様式に該当する行がありません。場所別開催回数には含みます")),
            ],
        ),
        row(
            61,
            &[
                ('A', S("特定健康相談 事業場訪問の割合(目標2割以上)")),
                ('B', N(0.2)),
                ('C', N(share)),
                ('E', S("達成（事業場訪問2回／計7回。件数では3件／10件 = 30.0%）")),
            ],
        ),
        row(62, &[('A', S("集計に含めていない下書き")), ('C', N(2.0)), ('D', S("件")), ('E', S("確定すると集計に含まれます"))]),
        row(
            63,
            &[('A', S("※II-2①の行名は様式のままです。法66条の8の面接指導の対象は平成31年4月から月80時間超（安衛則52条の2）で、その面接指導をすべて計上しています。"))],
        ),
    ]
}

#[test]
fn the_sheet_is_the_mhlw_form_cell_by_cell() {
    let f = fixture();
    records(&f);
    activities(&f);
    plans(&f.s);
    let out = tempfile::tempdir().unwrap();
    let xlsx = out.path().join("実績報告書.xlsx");
    f.s.write_annual_report(2025, &xlsx, None).unwrap();
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range(XLSX_SHEET).unwrap();
    assert_eq!(sheet.start(), Some((0, 0)), "the sheet starts at A1");

    // Every cell of the sheet, as read back.
    let mut got: Vec<(u32, char, X)> = Vec::new();
    for (r, row) in sheet.rows().enumerate() {
        for (c, d) in row.iter().enumerate() {
            if let Some(x) = read_cell(d) {
                got.push((r as u32 + 1, char::from(b'A' + c as u8), x));
            }
        }
    }
    let want: Vec<(u32, char, X)> = expected_sheet(2.0 / 7.0).into_iter().flat_map(|(r, cells)| cells.into_iter().map(move |(c, x)| (r, c, x))).collect();
    for (r, c, x) in &want {
        let found = got.iter().find(|(gr, gc, _)| gr == r && gc == c).map(|(.., g)| g.clone());
        match (x, &found) {
            (X::N(w), Some(X::N(g))) => assert!((w - g).abs() < 1e-9, "{c}{r}: want {w}, got {g}"),
            _ => assert_eq!(found.as_ref(), Some(x), "{c}{r}"),
        }
    }
    let extra: Vec<&(u32, char, X)> = got.iter().filter(|(r, c, _)| !want.iter().any(|(wr, wc, _)| wr == r && wc == c)).collect();
    assert!(extra.is_empty(), "cells the 様式 does not have: {extra:?}");
}

#[test]
fn the_official_rows_come_before_the_supplement_and_in_the_forms_order() {
    // The labels of seed 002's 別添3, in its order: each must be found below the one before, and
    // above the 参考 heading.
    let f = fixture();
    let out = tempfile::tempdir().unwrap();
    let xlsx = out.path().join("r.xlsx");
    f.s.write_annual_report(2025, &xlsx, None).unwrap();
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range(XLSX_SHEET).unwrap();
    let first: Vec<String> = sheet.rows().map(|r| r.first().map(cell_text).unwrap_or_default()).collect();
    let seed_order = [
        "地域産業保健事業実績報告書",
        "I 基本的事項",
        "1 実施機関（委託先）名",
        "2 労働局名",
        "3 圏域の数",
        "4 従事者",
        "産業医の人数",
        "保健師の人数",
        "コーディネーターの人数(統括を含む)",
        "II 事業実績",
        "1 特定健康相談",
        "場所別開催回数",
        "医療機関",
        "事業場訪問",
        "その他施設",
        "計",
        "相談実施件数",
        "①健診結果に基づく医師の意見 相談事業場数(延べ)",
        "②脳心臓疾患有リスク者保健指導(延べ)",
        "③メンタル不調者相談・指導(延べ)",
        "2 面接指導",
        "場所別開催回数",
        "医療機関",
        "事業場訪問",
        "その他施設",
        "計",
        "面接指導実施人数",
        "①100時間超申し出者(法66条の8)(延べ)",
        "②その他長時間労働者等(法66条の9)(延べ)",
        "3 地域産業保健事業運営協議会",
        "開催回数",
        "都道府県単位の協議会",
        "圏域単位の協議会",
        "III コーディネーター",
        "活動日数(延べ)",
        "IV その他",
        "事業内容",
        SUPPLEMENT_HEADING,
    ];
    let mut at = 0;
    for label in seed_order {
        let pos = first[at..].iter().position(|l| l == label).unwrap_or_else(|| panic!("{label} is missing or out of order (after row {at})"));
        at += pos + 1;
    }
    // Nothing the app adds sits above the 参考 heading.
    let heading = first.iter().position(|l| l == SUPPLEMENT_HEADING).unwrap();
    for added in ["事業場訪問の割合", "高ストレス", "下書き", "計画欄"] {
        assert!(!first[..heading].iter().any(|l| l.contains(added)), "{added} above the 参考 heading");
    }
    // With no activity: one empty row is left in IV for the centre's own entry; the sheet's
    // blank settings are listed for the user.
    let row = first.iter().position(|l| l == "事業内容").unwrap();
    assert_eq!(first[row + 1], "");
}

#[test]
fn blank_settings_are_listed_and_printed_blank() {
    let dir = tempfile::tempdir().unwrap();
    let profile = Staff { role: Some(StaffRole::Doctor), name: "産業 一郎".into(), ..Default::default() };
    let (s, _) = Store::init_with(&dir.path().join("data"), &Passphrase::new(PASS), &profile, KdfParams::MINIMUM).unwrap();
    let rep = s.annual_report(2025).unwrap();
    assert_eq!((rep.labour_bureau.as_str(), rep.zone_count.as_str()), ("", ""));
    assert_eq!(rep.unset_fields.len(), 3, "{:?}", rep.unset_fields);
    for (msg, field, cli) in rep
        .unset_fields
        .iter()
        .zip(["1 実施機関（委託先）名", "2 労働局名", "3 圏域の数"])
        .zip(["--centre", "--labour-bureau", "--zone-count"])
        .map(|((m, f), c)| (m, f, c))
    {
        assert!(msg.starts_with(field) && msg.contains("空欄") && msg.contains(cli), "{msg}");
    }
    s.set_labour_bureau("東京都").unwrap();
    s.set_zone_count("12").unwrap();
    s.set_setting("centre_name", "東京地域産業保健センター").unwrap();
    let rep = s.annual_report(2025).unwrap();
    assert!(rep.unset_fields.is_empty());
    assert_eq!((rep.labour_bureau.as_str(), rep.zone_count.as_str()), ("東京労働局", "12"));
}

#[test]
fn every_kind_of_interview_has_a_place_on_the_sheet_or_under_reference() {
    use chisanpo_core::domain::Code;
    use chisanpo_core::ledger::annual::sheet_row;
    let f = fixture();
    records(&f);
    let rep = f.s.annual_report(2025).unwrap();
    let i = &rep.interviews;
    assert_eq!(i.by_kind.len(), InterviewKind::ALL.len(), "every kind is listed, counted or not");
    for k in &i.by_kind {
        assert_eq!(k.row, sheet_row(k.kind));
    }
    let on = |row| i.by_kind.iter().filter(|k| k.row == row).map(|k| k.actual.value).sum::<u64>();
    assert_eq!(on(InterviewRow::LongHours), i.long_hours.actual.value);
    assert_eq!(on(InterviewRow::OtherLongHours), i.other_long_hours.actual.value);
    // Each kind under 参考 has its own row there, named by its label.
    let out = tempfile::tempdir().unwrap();
    let xlsx = out.path().join("r.xlsx");
    f.s.write_annual_report(2025, &xlsx, None).unwrap();
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range(XLSX_SHEET).unwrap();
    for k in i.by_kind.iter().filter(|k| k.row == InterviewRow::Supplementary) {
        let label = format!("面接指導 {}(延べ)", k.kind.label());
        assert_eq!(plan_actual(&sheet, &label, 0).1, Some(k.actual.value as f64), "{label}");
    }
}

#[test]
fn an_unwritable_target_is_an_error_and_nothing_is_logged() {
    let f = fixture();
    let missing = Path::new("/nonexistent-folder-for-chisanpo/report.xlsx");
    let before = f.s.audit_trail(f.s.store_id()).unwrap().len();
    let err = f.s.write_annual_report(2025, missing, None).unwrap_err();
    assert!(matches!(err, Error::File { .. }), "{err}");
    assert_eq!(f.s.audit_trail(f.s.store_id()).unwrap().len(), before);
}

/// Every record count of a report, by name, with the kind of record it counts.
fn record_counts(r: &AnnualReport) -> Vec<(&'static str, RecordKind, &AnnualCount)> {
    let c = &r.consultations;
    let i = &r.interviews;
    vec![
        ("consultations", RecordKind::Consultation, &c.records),
        ("c.medical", RecordKind::Consultation, &c.sessions.medical_institution),
        ("c.visit", RecordKind::Consultation, &c.sessions.workplace_visit),
        ("c.other", RecordKind::Consultation, &c.sessions.other_facility),
        ("c.total", RecordKind::Consultation, &c.sessions.total.actual),
        ("opinion_workplaces", RecordKind::Consultation, &c.opinion_workplaces.actual),
        ("opinion_workers", RecordKind::Consultation, &c.opinion_workers.actual),
        ("health_guidance", RecordKind::Consultation, &c.health_guidance.actual),
        ("mental_health", RecordKind::Consultation, &c.mental_health.actual),
        ("interviews", RecordKind::Interview, &i.records),
        ("i.medical", RecordKind::Interview, &i.sessions.medical_institution),
        ("i.visit", RecordKind::Interview, &i.sessions.workplace_visit),
        ("i.other", RecordKind::Interview, &i.sessions.other_facility),
        ("i.total", RecordKind::Interview, &i.sessions.total.actual),
        ("long_hours", RecordKind::Interview, &i.long_hours.actual),
        ("other_long_hours", RecordKind::Interview, &i.other_long_hours.actual),
        ("high_stress", RecordKind::Interview, &i.high_stress.actual),
    ]
}

#[test]
fn demo_data_is_internally_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let profile = Staff { role: Some(StaffRole::Doctor), name: "デモ 医師".into(), ..Default::default() };
    let (s, _) = Store::init_with(&dir.path().join("data"), &Passphrase::new(PASS), &profile, KdfParams::MINIMUM).unwrap();
    demo::generate(&s, 500, 23).unwrap();
    let mut seen_any_visit = false;
    for fy in 2020..=2025 {
        let rep = s.annual_report(fy).unwrap();
        for (what, sessions) in [("consultations", &rep.consultations.sessions), ("interviews", &rep.interviews.sessions)] {
            let places = [&sessions.medical_institution, &sessions.workplace_visit, &sessions.other_facility];
            assert_eq!(places.iter().map(|p| p.value).sum::<u64>(), sessions.total.actual.value, "{fy} {what}: places add up to the total");
            assert_eq!(sessions.sessions.len() as u64, sessions.total.actual.value, "{fy} {what}");
            let mut all: Vec<String> = places.iter().flat_map(|p| p.ids.iter().cloned()).collect();
            all.sort();
            let mut total = sessions.total.actual.ids.clone();
            total.sort();
            assert_eq!(all, total, "{fy} {what}: every record is in one session");
            for (place, count) in [Place::MedicalInstitution, Place::WorkplaceVisit, Place::OtherFacility].into_iter().zip(places) {
                let n = sessions.sessions.iter().filter(|x| x.place == place).count() as u64;
                assert_eq!(n, count.value, "{fy} {what} {place:?}");
            }
        }
        assert_eq!(ids(&rep.consultations.sessions.total.actual), ids(&rep.consultations.records));
        assert_eq!(ids(&rep.interviews.sessions.total.actual), ids(&rep.interviews.records));
        let i = &rep.interviews;
        assert_eq!(i.long_hours.actual.value + i.other_long_hours.actual.value + i.high_stress.actual.value, i.records.value, "{fy}: one article each");
        seen_any_visit |= rep.consultations.sessions.workplace_visit.value > 0;
        let share = &rep.workplace_visit_share.by_sessions;
        assert_eq!(share.met, share.whole.value > 0 && share.part.value * 5 >= share.whole.value);

        // Every id listed is a finalised record of that year and of the right kind.
        let mut checked = HashSet::new();
        for (what, kind, count) in record_counts(&rep) {
            // A session counts once for all its records; 意見対象労働者数 counts each record's
            // 対象者数; every other line counts one per record.
            let n = count.ids.len() as u64;
            match what {
                _ if what.contains('.') => assert!(count.value <= n, "{fy} {what}"),
                "opinion_workers" => assert!(count.value >= n, "{fy} {what}"),
                _ => assert_eq!(count.value, n, "{fy} {what}"),
            }
            for id in &count.ids {
                if checked.insert((id.clone(), kind)) {
                    let v = s.get_record(id).unwrap();
                    assert_eq!(v.summary.status, RecordStatus::Final, "{fy} {what} {id}");
                    assert_eq!(v.summary.fiscal_year, Some(fy), "{fy} {what} {id}");
                    assert_eq!(v.summary.kind, kind, "{fy} {what} {id}");
                }
            }
        }

        // The ledgers, read another way (whole versions), give the same 延べ.
        let ledger = s.ledger(LedgerKind::Consultation, &LedgerFilter { fiscal_year: Some(fy), ..Default::default() }).unwrap();
        assert_eq!(ledger.entries.len() as u64, rep.consultations.records.value, "{fy}");
        let (mut workers, mut guidance, mut mental, mut hearings) = (0u64, 0u64, 0u64, 0u64);
        for e in &ledger.entries {
            let RecordBody::Consultation(c) = &e.content.body else { unreachable!() };
            if c.kinds.contains(&ConsultationKind::OpinionHearing) {
                hearings += 1;
                workers += u64::from(c.subject_count.unwrap_or(0));
            }
            guidance += u64::from(c.kinds.contains(&ConsultationKind::HealthGuidance));
            mental += u64::from(c.kinds.contains(&ConsultationKind::MentalHealth));
        }
        let c = &rep.consultations;
        assert_eq!(
            (c.opinion_workplaces.actual.value, c.opinion_workers.actual.value, c.health_guidance.actual.value, c.mental_health.actual.value),
            (hearings, workers, guidance, mental),
            "{fy}"
        );
        let interviews = s.ledger(LedgerKind::Interview, &LedgerFilter { fiscal_year: Some(fy), ..Default::default() }).unwrap();
        assert_eq!(interviews.entries.len() as u64, rep.interviews.records.value, "{fy}");
    }
    assert!(seen_any_visit, "the demo holds workplace visits");
    // Drafts of every year are listed apart and never counted.
    let rep = s.annual_report(2024).unwrap();
    for id in &rep.pending_drafts.ids {
        assert_eq!(s.get_record(id).unwrap().summary.status, RecordStatus::Draft);
        assert!(!rep.consultations.records.ids.contains(id) && !rep.interviews.records.ids.contains(id));
    }
}
