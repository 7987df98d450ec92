//! Sample records with every field of every 様式 filled: for previews, golden images, tests and
//! benchmarks. The people and places are fictitious.

use crate::domain::*;

use super::input::FormInput;
use super::sheet::PrintStatus;

fn d(s: &str) -> Option<Date> {
    Some(s.parse().expect("sample dates are valid"))
}

fn t(s: &str) -> Option<TimeOfDay> {
    Some(s.parse().expect("sample times are valid"))
}

/// A workplace, a worker and a doctor.
pub fn snapshot() -> Snapshot {
    Snapshot {
        workplace: Some(Workplace {
            name: "株式会社山田製作所".into(),
            kana: "ヤマダセイサクショ".into(),
            address: "静岡市葵区追手町9番6号".into(),
            industry: Some(Industry::E),
            workers_male: Some(21),
            workers_female: Some(8),
            contact_title: "総務課長".into(),
            contact_name: "佐藤 花子".into(),
            phone: "054-123-4567".into(),
            fax: "054-123-4568".into(),
            email: "soumu@example.jp".into(),
            ..Default::default()
        }),
        worker: Some(Worker {
            workplace_id: "w".into(),
            name: "鈴木 一郎".into(),
            kana: "スズキ イチロウ".into(),
            sex: Some(Sex::Male),
            birth_date: d("1980-04-02"),
            department: "製造部組立課".into(),
            position: "主任".into(),
        }),
        doctor: Some(Staff {
            role: Some(StaffRole::Doctor),
            name: "産業 太郎".into(),
            kana: "サンギョウ タロウ".into(),
            affiliation: "さんぽ内科クリニック".into(),
            seal_line: "医師 産業 太郎".into(),
            concurrent_coordinator: false,
        }),
        ..Default::default()
    }
}

/// A long-hours interview (法66条の8) with every field filled.
pub fn long_hours() -> Interview {
    Interview {
        kind: Some(InterviewKind::LongHours),
        received_on: d("2025-06-13"),
        performed_on: d("2025-06-20"),
        start_time: t("15:00"),
        end_time: t("15:40"),
        place: Some(Place::MedicalInstitution),
        place_name: "さんぽ内科クリニック".into(),
        doctor_id: Some("d".into()),
        workplace_id: Some("w".into()),
        worker_id: Some("k".into()),
        request: InterviewRequest {
            requested_on: d("2025-06-12"),
            doctor_choice: Some(DoctorChoice::Centre),
            considerations: "夜勤明けを避け、夕方以降の時間帯を希望します。上司には結果のみを伝えてください。".into(),
        },
        work_status: Some(WorkStatus {
            categories: vec![WorkStatusCategory::RequestedOver80, WorkStatusCategory::Over80],
            past_interview: Some(true),
            past_interview_month: Some("2024-11".parse().expect("a valid month")),
            period_from: d("2025-05-01"),
            period_to: d("2025-05-31"),
            total_hours: Some(267.1),
            overtime_hours: Some(90.0),
            previous_overtime: vec![85.0, 70.0],
            commute_minutes: Some(75),
            duties: "製造ラインの工程管理と夜間の設備保全。月4回の夜勤と休日の呼出し対応あり。".into(),
            prepared_by: Preparer {
                name: "佐藤 花子".into(), workplace: "株式会社山田製作所 総務課".into(), contact: "054-123-4568（内線12）".into()
            },
        }),
        stress: None,
        coordinator_attends: false,
        consent: None,
        result: InterviewResult {
            fatigue: Some(Fatigue::Moderate),
            mind_body_attention: Some(true),
            special_notes: "睡眠不足の訴えあり".into(),
            diagnosis: Some(Diagnosis::Observation),
            work_class: Some(WorkClass::Restricted),
            guidance: Some(GuidanceClass::HealthGuidance),
            recommendation_needed: Some(true),
            necessary_items: true,
            ..Default::default()
        },
        opinion: Opinion {
            hours_measures: vec![HoursMeasure::OvertimeLimit { hours_per_month: Some(45.0) }, HoursMeasure::WorkingHours { from: t("8:30"), to: t("17:15") }],
            other_measures: vec![OtherMeasure::FewerNightShifts, OtherMeasure::ChangeOfWork],
            measure_lines: vec!["深夜業を月4回までとする".into(), "設備保全の夜間呼出しを免除".into(), "1か月後に勤務状況を再確認".into()],
            period_amount: Some(3),
            period_unit: Some(PeriodUnit::Month),
            next_interview_on: d("2025-09-19"),
            medical_consideration: "かかりつけ医の受診日は勤務を調整すること".into(),
            remarks: "本人の同意を得て、上司に結果を伝えた".into(),
            ..Default::default()
        },
        opinion_on: d("2025-06-23"),
        ..Default::default()
    }
}

/// A high-stress interview (法66条の10) with every field filled.
pub fn high_stress() -> Interview {
    let mut i = long_hours();
    i.kind = Some(InterviewKind::HighStress);
    i.work_status = None;
    i.stress = Some(StressScores { a: Some(42), b: Some(85), c: Some(23), checked_on: d("2025-05-20"), ..Default::default() });
    i.result = InterviewResult {
        work_class: Some(WorkClass::Restricted),
        work_situation: "繁忙期の残業が月60時間程度続き、休日出勤もある".into(),
        other_findings: Some(true),
        other_findings_text: "頭痛・不眠".into(),
        medical_notes: "抑うつ気分の訴えあり".into(),
        stress_guidance: vec![StressGuidance::HealthGuidance, StressGuidance::ReInterview],
        reinterview_timing: "1か月後".into(),
        other_notes: "上司との関係に悩みあり".into(),
        ..Default::default()
    };
    i.opinion = Opinion {
        hours_measures: vec![HoursMeasure::OvertimeBan, HoursMeasure::FlexExclusion],
        other_measures: vec![OtherMeasure::ChangeOfWork],
        measure_lines: vec!["顧客対応の担当を外す".into()],
        period_amount: Some(2),
        period_unit: Some(PeriodUnit::Month),
        workplace_environment: "業務分担の見直しと相談窓口の周知".into(),
        medical_consideration: "心療内科への受診を勧めた".into(),
        remarks: "再面接の日程は本人と調整".into(),
        ..Default::default()
    };
    i
}

/// A 特定健康相談 with two kinds and a 受診勧奨.
pub fn consultation() -> Consultation {
    Consultation {
        application_id: Some("a".into()),
        received_on: d("2025-06-02"),
        performed_on: d("2025-06-10"),
        start_time: t("14:00"),
        end_time: t("15:30"),
        place: Some(Place::WorkplaceVisit),
        place_name: "株式会社山田製作所 本社会議室".into(),
        doctor_id: Some("d".into()),
        workplace_id: Some("w".into()),
        requester: Some(Requester::Worker),
        requester_title: "製造部組立課 主任（組立ラインの工程管理）".into(),
        requester_name: String::new(),
        worker_id: Some("k".into()),
        kinds: vec![ConsultationKind::OpinionHearing, ConsultationKind::MentalHealth],
        subject_count: Some(3),
        content: "健康診断の有所見者3名について就業上の意見を述べた。\n本人から睡眠と気分の落ち込みについて相談があり、生活習慣について助言した。".into(),
        referral: Some(true),
        notes: "次回は7月に事業場訪問の予定".into(),
    }
}

/// An application with both preferred dates and an appointment.
pub fn application() -> Application {
    Application {
        received_on: d("2025-06-02"),
        workplace_id: Some("w".into()),
        applicant_title: "総務課長".into(),
        applicant_name: "佐藤 花子".into(),
        phone: "054-123-9999".into(),
        fax: "054-123-8888".into(),
        email: "kenko@example.jp".into(),
        services: vec![Service::OpinionHearing, Service::LongHoursInterview],
        preferred: vec![
            PreferredSlot { date: d("2025-06-20"), from: t("14:00"), to: t("16:00") },
            PreferredSlot { date: d("2025-06-27"), from: t("9:30"), to: t("11:00") },
        ],
        headcount: Some(4),
        summary: "定期健康診断の有所見者への就業上の意見と、時間外労働が多い社員の面接指導をお願いしたい。".into(),
        doctor_id: Some("d".into()),
        place: Some(Place::MedicalInstitution),
        place_name: "さんぽ内科クリニック".into(),
        appointment_on: d("2025-06-20"),
        appointment_from: t("14:00"),
        appointment_to: t("15:00"),
        notes: "利用料なし（今年度初回）".into(),
    }
}

/// A referral from a メンタルヘルス相談 to a clinic, with its outcome known.
pub fn referral() -> Referral {
    Referral {
        source_id: Some("c".into()),
        workplace_id: Some("w".into()),
        worker_id: Some("k".into()),
        doctor_id: Some("d".into()),
        referred_on: d("2025-09-03"),
        body_id: Some("b".into()),
        reason: Some(ReferralReason::MentalHealth),
        reason_text: "不眠が続き、専門医の診察が必要".into(),
        outcome: Some(ReferralOutcome::Attended),
        outcome_on: d("2025-09-20"),
        outcome_note: "本人から受診の報告あり".into(),
    }
}

/// A 訪問指導 with a 職場巡視: good practices, three findings, and the last visit's finding
/// followed up.
pub fn visit() -> Visit {
    Visit {
        visited_on: d("2025-09-03"),
        start_time: t("14:00"),
        end_time: t("16:00"),
        workplace_id: Some("w".into()),
        doctor_id: Some("d".into()),
        visitors: vec![
            Visitor { role: Some(VisitorRole::Engineer), staff_id: None, name: "衛生 次郎".into() },
            Visitor { role: Some(VisitorRole::Coordinator), staff_id: None, name: "調整 三恵".into() },
        ],
        received_by: "総務課長 佐藤 花子、製造部長 高橋 修".into(),
        activities: vec![VisitActivity::OpinionHearing, VisitActivity::WorkplacePatrol, VisitActivity::WorkEnvironment, VisitActivity::Chemicals],
        activity_other: String::new(),
        places_walked: "組立ライン、塗装場、倉庫、休憩室".into(),
        good_practices: vec!["毎朝の朝礼で体調の確認が行われている。".into(), "有機溶剤の容器は使用後に必ず蓋がされ、保管場所が表示されている。".into()],
        findings: vec![
            Finding {
                category: Some(FindingCategory::WorkEnvironment),
                priority: Some(FindingPriority::High),
                place: "塗装場".into(),
                observation: "局所排気装置の吸込みが弱く、溶剤のにおいがこもっている。".into(),
                advice: "フードと配管を点検し、制御風速を測定すること。結果を記録する。".into(),
                due_on: d("2025-10-31"),
            },
            Finding {
                category: Some(FindingCategory::Work),
                priority: Some(FindingPriority::Medium),
                place: "倉庫".into(),
                observation: "重量物（20kg以上）を一人で持ち上げている。".into(),
                advice: "台車の使用と二人作業を徹底し、腰痛予防の教育を行うこと。".into(),
                due_on: d("2025-12-26"),
            },
            Finding {
                category: Some(FindingCategory::SafetyOrganisation),
                priority: Some(FindingPriority::Low),
                place: String::new(),
                observation: "衛生推進者の氏名が掲示されていない。".into(),
                advice: "作業場の見やすい場所に掲示すること。".into(),
                due_on: d("2025-09-30"),
            },
        ],
        follow_ups: vec![FindingFollowUp {
            visit_id: "0195cc87-0000-7000-8000-000000000001".into(),
            finding_no: 1,
            status: Some(ImprovementStatus::Partly),
            note: "休憩室の換気扇は交換済み。更衣室は未対応。".into(),
        }],
        consultation_ids: Vec::new(),
        photos: Vec::new(),
        comment: "全体として整理整頓が行き届いている。塗装場の局所排気装置の点検を最優先で行ってください。次回は来年3月頃に改善状況を確認します。".into(),
        notes: String::new(),
    }
}

/// The snapshot of [`visit`]: the sample one, with the visit's earlier finding.
pub fn visit_snapshot() -> Snapshot {
    Snapshot {
        visitors: vec![Staff { name: "衛生 次郎".into(), ..Default::default() }, Staff { name: "調整 三恵".into(), ..Default::default() }],
        followed: vec![FollowedFinding {
            visit_id: "0195cc87-0000-7000-8000-000000000001".into(),
            finding_no: 1,
            visited_on: d("2025-03-12"),
            observation: "休憩室と更衣室の換気が不十分。".into(),
        }],
        ..snapshot()
    }
}

/// A form input for `body`, with the sample snapshot.
pub fn input(body: RecordBody, status: PrintStatus) -> FormInput {
    FormInput {
        record_id: "0195cc87-b280-72c9-82e5-5323bb1b2549".into(),
        version: match &status {
            PrintStatus::Draft => 0,
            PrintStatus::Final => 1,
            PrintStatus::Amended { version, .. } => *version,
        },
        status,
        snapshot: if matches!(body, RecordBody::Visit(_)) { visit_snapshot() } else { snapshot() },
        body,
        centre_name: "静岡県地域産業保健センター".into(),
    }
}
