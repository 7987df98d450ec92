//! Synthetic data: realistic workplaces, workers, staff, applications, consultations and
//! interviews spread over six fiscal years (FY2020–FY2025), deterministic for a seed.
//! Every record is valid; most are finalised, some amended, some left as drafts.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::domain::hours::HoursClass;
use crate::domain::interview::hours_category_of;
use crate::domain::*;
use crate::error::Result;
use crate::Store;

/// A small, fixed PRNG (SplitMix64): the same seed gives the same data on every platform and
/// with every version of the `rand` crate.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// True with probability `p` percent.
    pub fn chance(&mut self, p: usize) -> bool {
        self.below(100) < p
    }
    fn id(&mut self, millis: u64) -> String {
        let mut bytes = [0u8; 10];
        bytes.iter_mut().for_each(|b| *b = self.next_u64() as u8);
        uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid().to_string()
    }
}

const SURNAMES: &[(&str, &str)] = &[
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("前田", "マエダ"),
    ("藤田", "フジタ"),
    ("小川", "オガワ"),
    ("岡田", "オカダ"),
];
const MALE: &[(&str, &str)] = &[
    ("太郎", "タロウ"),
    ("健一", "ケンイチ"),
    ("誠", "マコト"),
    ("大輔", "ダイスケ"),
    ("翔太", "ショウタ"),
    ("浩", "ヒロシ"),
    ("拓也", "タクヤ"),
    ("和也", "カズヤ"),
    ("隆", "タカシ"),
    ("直樹", "ナオキ"),
    ("亮", "リョウ"),
    ("修", "オサム"),
];
const FEMALE: &[(&str, &str)] = &[
    ("花子", "ハナコ"),
    ("陽子", "ヨウコ"),
    ("美咲", "ミサキ"),
    ("由美", "ユミ"),
    ("恵子", "ケイコ"),
    ("真由美", "マユミ"),
    ("彩", "アヤ"),
    ("裕子", "ユウコ"),
    ("久美子", "クミコ"),
    ("愛", "アイ"),
    ("直美", "ナオミ"),
    ("明美", "アケミ"),
];
const TOWNS: &[&str] = &["中央区本町", "北区栄町", "南区緑町", "東区旭町", "西区桜町", "港区海岸通", "駅前", "新町", "元町", "大手町"];
const TRADES: &[(&str, &str, Industry)] = &[
    ("製作所", "セイサクショ", Industry::E),
    ("工業", "コウギョウ", Industry::E),
    ("建設", "ケンセツ", Industry::D),
    ("運輸", "ウンユ", Industry::H),
    ("商店", "ショウテン", Industry::I),
    ("食品", "ショクヒン", Industry::E),
    ("システム", "システム", Industry::G),
    ("介護サービス", "カイゴサービス", Industry::P),
    ("印刷", "インサツ", Industry::E),
    ("設備", "セツビ", Industry::D),
    ("物流", "ブツリュウ", Industry::H),
    ("クリーニング", "クリーニング", Industry::N),
];
const DEPARTMENTS: &[&str] = &["製造部", "営業部", "総務部", "配送課", "工務部", "開発課", "管理部", "現場"];
const POSITIONS: &[&str] = &["", "", "", "主任", "係長", "課長", "班長"];
const DUTIES: &[&str] = &["製造ラインの管理", "配送（中型トラック）", "現場監督", "システム開発", "店舗運営", "介護業務（夜勤あり）", "営業（外回り）"];
const CONTENT: &[&str] = &[
    "健診結果（血圧・脂質）について意見を述べた。就業上の措置は不要。",
    "血圧高値。減塩と運動について指導し、医療機関の受診を勧めた。",
    "睡眠不足と気分の落ち込みの訴え。生活リズムの調整について助言した。",
    "肝機能の有所見について再検査を勧めた。飲酒習慣の改善を指導。",
    "職場の人間関係によるストレス。相談窓口の利用を案内した。",
];

/// What `demo` made.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct DemoSummary {
    pub staff: usize,
    pub workplaces: usize,
    pub workers: usize,
    pub records: usize,
    pub finalised: usize,
    pub amended: usize,
    pub drafts: usize,
    /// Repeats in a fiscal year whose fee was paid before they were held.
    pub fees_paid: usize,
}

fn person(rng: &mut Rng) -> (String, String, Sex) {
    let (s, sk) = *rng.pick(SURNAMES);
    let sex = if rng.chance(60) { Sex::Male } else { Sex::Female };
    let (g, gk) = *rng.pick(if sex == Sex::Male { MALE } else { FEMALE });
    (format!("{s} {g}"), format!("{sk} {gk}"), sex)
}

/// The first and last day demo records fall in: FY2020 to FY2025.
const FIRST_DAY: (i32, u32, u32) = (2020, 4, 1);
const DAYS: u64 = 6 * 365;

fn day(rng: &mut Rng) -> Date {
    let first = Date::ymd(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2).expect("valid");
    let mut d = first.naive() + chrono::Duration::days(rng.below(DAYS as usize) as i64);
    // Services are held on weekdays.
    while matches!(chrono::Datelike::weekday(&d), chrono::Weekday::Sat | chrono::Weekday::Sun) {
        d -= chrono::Duration::days(1);
    }
    Date(d)
}

fn millis(d: Date) -> u64 {
    d.naive().and_hms_opt(9, 0, 0).expect("valid").and_utc().timestamp_millis().max(0) as u64
}

struct People {
    doctors: Vec<String>,
    nurses: Vec<String>,
    workplaces: Vec<(String, Place)>,
    workers: Vec<(String, String)>, // (worker id, workplace id)
}

fn make_people(store: &Store, tx: &Connection, rng: &mut Rng, records: usize, sum: &mut DemoSummary) -> Result<People> {
    let base = millis(Date::ymd(2020, 4, 1).expect("valid"));
    let mut doctors = Vec::new();
    let mut nurses = Vec::new();
    let clinics = ["さんぽ内科クリニック", "みなと産業医事務所", "中央病院 健診センター", "さくら心療内科", "北町診療所"];
    for i in 0..(2 + records / 2000).min(12) {
        let (name, kana, _) = person(rng);
        let role = if i % 3 == 2 { StaffRole::Nurse } else { StaffRole::Doctor };
        let s = Staff {
            role: Some(role),
            name: name.clone(),
            kana,
            affiliation: rng.pick(&clinics).to_string(),
            seal_line: format!("医師 {name}"),
            ..Default::default()
        };
        let id = store.add_in(tx, &rng.id(base), &s)?;
        if role == StaffRole::Doctor {
            doctors.push(id)
        } else {
            nurses.push(id)
        }
        sum.staff += 1;
    }
    for _ in 0..2 {
        let (name, kana, _) = person(rng);
        store.add_in(
            tx,
            &rng.id(base),
            &Staff { role: Some(StaffRole::Coordinator), name, kana, affiliation: "地域産業保健センター".into(), ..Default::default() },
        )?;
        sum.staff += 1;
    }
    let mut workplaces = Vec::new();
    let mut workers = Vec::new();
    let n_workplaces = (records / 10).clamp(5, 20_000);
    for _ in 0..n_workplaces {
        let (s, sk) = *rng.pick(SURNAMES);
        let (t, tk, industry) = *rng.pick(TRADES);
        let corp = rng.chance(60);
        let male = 3 + rng.below(30) as u32;
        let female = rng.below(16) as u32;
        let wp = Workplace {
            name: if corp { format!("株式会社{s}{t}") } else { format!("{s}{t}") },
            kana: format!("{}{sk}{tk}", if corp { "カブシキガイシャ" } else { "" }),
            address: format!("{}{}丁目{}番{}号", rng.pick(TOWNS), 1 + rng.below(5), 1 + rng.below(20), 1 + rng.below(30)),
            industry: Some(industry),
            workers_male: Some(male),
            workers_female: Some(female),
            contact_title: rng.pick(&["総務課長", "代表取締役", "事務長", "人事担当"]).to_string(),
            contact_name: person(rng).0,
            phone: format!("0{}-{:04}-{:04}", 3 + rng.below(7), rng.below(10_000), rng.below(10_000)),
            fax: format!("0{}-{:04}-{:04}", 3 + rng.below(7), rng.below(10_000), rng.below(10_000)),
            branch_of_large_company: rng.chance(3),
            ..Default::default()
        };
        let place = *rng.pick(&[Place::MedicalInstitution, Place::MedicalInstitution, Place::WorkplaceVisit, Place::OtherFacility]);
        let wp_id = store.add_in(tx, &rng.id(base), &wp)?;
        sum.workplaces += 1;
        for _ in 0..(2 + rng.below(6)) {
            let (name, kana, sex) = person(rng);
            let birth = Date::ymd(1960 + rng.below(42) as i32, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
            let w = Worker {
                workplace_id: wp_id.clone(),
                name,
                kana,
                sex: Some(sex),
                birth_date: birth,
                department: rng.pick(DEPARTMENTS).to_string(),
                position: rng.pick(POSITIONS).to_string(),
            };
            workers.push((store.add_in(tx, &rng.id(base), &w)?, wp_id.clone()));
            sum.workers += 1;
        }
        workplaces.push((wp_id, place));
    }
    Ok(People { doctors, nurses, workplaces, workers })
}

fn consultation(rng: &mut Rng, p: &People) -> Consultation {
    let (worker, wp) = rng.pick(&p.workers).clone();
    let place = p.workplaces.iter().find(|(id, _)| *id == wp).map(|(_, pl)| *pl).unwrap_or(Place::MedicalInstitution);
    let performed = day(rng);
    let mut kinds = vec![*rng.pick(ConsultationKind::ALL)];
    if rng.chance(15) {
        let other = *rng.pick(ConsultationKind::ALL);
        if !kinds.contains(&other) {
            kinds.push(other);
        }
    }
    let by_nurse = !kinds.contains(&ConsultationKind::OpinionHearing) && !p.nurses.is_empty() && rng.chance(30);
    let doctor = if by_nurse { rng.pick(&p.nurses).clone() } else { rng.pick(&p.doctors).clone() };
    let start = 9 + rng.below(8) as u32;
    let hearing = kinds.contains(&ConsultationKind::OpinionHearing);
    Consultation {
        application_id: None,
        received_on: Some(Date(performed.naive() - chrono::Duration::days(3 + rng.below(20) as i64))),
        performed_on: Some(performed),
        start_time: TimeOfDay::hm(start, 0),
        end_time: TimeOfDay::hm(start, 30 + 15 * rng.below(2) as u32),
        place: Some(place),
        place_name: match place {
            Place::MedicalInstitution => "さんぽ内科クリニック".into(),
            Place::WorkplaceVisit => "事業場（訪問）".into(),
            Place::OtherFacility => "地域産業保健センター窓口".into(),
        },
        doctor_id: Some(doctor),
        workplace_id: Some(wp),
        requester: Some(if hearing { Requester::Employer } else { *rng.pick(&[Requester::Employer, Requester::Worker]) }),
        requester_title: "総務担当".into(),
        requester_name: String::new(),
        worker_id: if hearing && rng.chance(50) { None } else { Some(worker) },
        subject_count: if hearing { Some(1 + rng.below(12) as u32) } else { None },
        referral: if kinds.contains(&ConsultationKind::MentalHealth) { Some(rng.chance(30)) } else { None },
        content: rng.pick(CONTENT).to_string(),
        notes: String::new(),
        kinds,
    }
}

fn interview(rng: &mut Rng, p: &People) -> Interview {
    let (worker, wp) = rng.pick(&p.workers).clone();
    let performed = day(rng);
    let kind = *rng.pick(&[InterviewKind::LongHours, InterviewKind::LongHours, InterviewKind::OtherLongHours, InterviewKind::HighStress]);
    let high_stress = kind == InterviewKind::HighStress;
    let month_end = Date(performed.naive() - chrono::Duration::days(10 + rng.below(10) as i64));
    let month_start = Date(month_end.naive() - chrono::Duration::days(30));
    let overtime = if kind == InterviewKind::LongHours { 81.0 + rng.below(50) as f64 } else { 46.0 + rng.below(40) as f64 };
    // One severity drives the findings and the opinion, so that the demo reads as a doctor would
    // write it: mild fatigue and normal work, or severe fatigue, medical care and leave.
    let severity = rng.below(4);
    let work_class = [WorkClass::Normal, WorkClass::Restricted, WorkClass::Restricted, WorkClass::Leave][severity];
    let fatigue = [Fatigue::Mild, Fatigue::Moderate, Fatigue::Moderate, Fatigue::Severe][severity];
    let diagnosis = [Diagnosis::Normal, Diagnosis::Observation, Diagnosis::Observation, Diagnosis::MedicalCare][severity];
    let guidance = [GuidanceClass::HealthGuidance, GuidanceClass::HealthGuidance, GuidanceClass::HealthGuidance, GuidanceClass::MedicalGuidance][severity];
    let hours_measures = match work_class {
        WorkClass::Normal => vec![HoursMeasure::NoInstruction],
        WorkClass::Restricted if high_stress => vec![HoursMeasure::OvertimeBan],
        WorkClass::Restricted => vec![HoursMeasure::OvertimeLimit { hours_per_month: Some(*rng.pick(&[30.0, 45.0, 60.0])) }],
        WorkClass::Leave => vec![HoursMeasure::NoWork],
    };
    let start = 13 + rng.below(4) as u32;
    Interview {
        kind: Some(kind),
        received_on: Some(Date(performed.naive() - chrono::Duration::days(7))),
        performed_on: Some(performed),
        start_time: TimeOfDay::hm(start, 0),
        end_time: TimeOfDay::hm(start, 45),
        place: Some(*rng.pick(&[Place::MedicalInstitution, Place::MedicalInstitution, Place::WorkplaceVisit, Place::OtherFacility])),
        place_name: "さんぽ内科クリニック".into(),
        doctor_id: Some(rng.pick(&p.doctors).clone()),
        workplace_id: Some(wp),
        worker_id: Some(worker),
        request: InterviewRequest {
            requested_on: Some(Date(performed.naive() - chrono::Duration::days(9))),
            doctor_choice: Some(DoctorChoice::Centre),
            considerations: String::new(),
        },
        work_status: (!high_stress).then(|| WorkStatus {
            // The employer ticks the class the hours make (46 h and more: never none).
            categories: hours_category_of(HoursClass::of(overtime)).into_iter().collect(),
            past_interview: Some(false),
            period_from: Some(month_start),
            period_to: Some(month_end),
            overtime_hours: Some(overtime),
            previous_overtime: vec![overtime - 10.0, overtime - 20.0],
            commute_minutes: Some(15 + 5 * rng.below(12) as u32),
            duties: rng.pick(DUTIES).to_string(),
            prepared_by: Preparer { name: person(rng).0, workplace: String::new(), contact: String::new() },
            ..Default::default()
        }),
        stress: high_stress.then(|| StressScores {
            a: Some(40 + rng.below(20) as u32),
            b: Some(77 + rng.below(30) as u32),
            c: Some(20 + rng.below(10) as u32),
            checked_on: None,
            ..Default::default()
        }),
        coordinator_attends: false,
        consent: None,
        result: if high_stress {
            InterviewResult {
                work_class: Some(work_class),
                work_situation: "繁忙期の残業が続いている。".into(),
                other_findings: Some(false),
                stress_guidance: vec![*rng.pick(&[StressGuidance::HealthGuidance, StressGuidance::FollowUp, StressGuidance::Treatment])],
                ..Default::default()
            }
        } else {
            InterviewResult {
                fatigue: Some(fatigue),
                mind_body_attention: Some(severity >= 2 && rng.chance(50)),
                diagnosis: Some(diagnosis),
                work_class: Some(work_class),
                guidance: Some(guidance),
                recommendation_needed: Some(work_class != WorkClass::Normal),
                ..Default::default()
            }
        },
        opinion: Opinion {
            hours_measures,
            period_amount: Some(1 + rng.below(3) as u32),
            period_unit: Some(PeriodUnit::Month),
            medical_consideration: if diagnosis == Diagnosis::MedicalCare {
                "かかりつけ医への受診を勧め、通院の時間に配慮する。".into()
            } else {
                String::new()
            },
            ..Default::default()
        },
        ..Default::default()
    }
}

fn body(rng: &mut Rng, people: &People) -> RecordBody {
    let roll = rng.below(100);
    if roll < 60 {
        RecordBody::Consultation(consultation(rng, people))
    } else if roll < 92 {
        RecordBody::Interview(interview(rng, people))
    } else {
        let c = consultation(rng, people);
        RecordBody::Application(Application {
            received_on: c.received_on,
            workplace_id: c.workplace_id,
            applicant_title: "総務担当".into(),
            applicant_name: person(rng).0,
            phone: "03-0000-0000".into(),
            services: vec![Service::HealthGuidance],
            preferred: vec![PreferredSlot { date: c.performed_on, from: c.start_time, to: c.end_time }],
            headcount: Some(1),
            doctor_id: c.doctor_id,
            place: c.place,
            appointment_on: c.performed_on,
            appointment_from: c.start_time,
            appointment_to: c.end_time,
            ..Default::default()
        })
    }
}

/// Fill the store with `records` records (and the workplaces, workers and staff they need).
/// Records are stored in the order they were performed, as a centre accumulates them.
pub fn generate(store: &Store, records: usize, seed: u64) -> Result<DemoSummary> {
    let mut rng = Rng::new(seed);
    let mut sum = DemoSummary::default();
    let people = store.write(|tx| make_people(store, tx, &mut rng, records, &mut sum))?;
    let mut bodies: Vec<RecordBody> = (0..records).map(|_| body(&mut rng, &people)).collect();
    bodies.sort_by_key(|b| b.performed_on());
    const BATCH: usize = 500;
    for chunk in bodies.chunks(BATCH) {
        store.write(|tx| {
            for body in chunk {
                let id = rng.id(body.performed_on().map(millis).unwrap_or(0));
                store.create_in(tx, &id, body)?;
                sum.records += 1;
                if !rng.chance(92) {
                    sum.drafts += 1;
                    continue;
                }
                // 利用料: a repeat in the fiscal year is held only after the payment is confirmed
                // (see `domain::fees`). The demo employers pay by transfer before the day.
                if store.fee_assessment_in(tx, &id, body)?.required {
                    let paid = body.received_on().or(body.performed_on()).unwrap_or_else(crate::today);
                    store.confirm_payment_in(tx, &id, paid.min(crate::today()))?;
                    sum.fees_paid += 1;
                }
                store.finalise_in(tx, &id, body)?;
                // Finalised on the day it was performed, as a centre's records are (keeping the
                // time of day, so records of one day stay in the order they were finalised): a
                // record finalised less than 5 years ago is never due for destruction
                // (`domain::retention`), and the demo's oldest records are meant to be.
                Store::backdate_finalised_in(tx, &id)?;
                sum.finalised += 1;
                if rng.chance(4) {
                    let mut amended = body.clone();
                    match &mut amended {
                        RecordBody::Consultation(c) => c.notes = "後日、受診結果の報告あり。".into(),
                        RecordBody::Interview(i) => i.opinion.remarks = "措置の実施状況を次回確認する。".into(),
                        RecordBody::Application(a) => a.notes = "日程変更の連絡あり。".into(),
                        RecordBody::Visit(v) => v.notes = "改善計画の写しを受領。".into(),
                        RecordBody::Referral(r) => r.outcome_note = "本人から受診の報告あり。".into(),
                    }
                    store.amend_in(tx, &id, 2, &amended, "記載内容の追記")?;
                    sum.amended += 1;
                }
            }
            Ok(())
        })?;
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{testing, ListFilter};

    #[test]
    fn demo_data_is_valid_and_deterministic() {
        let (_d, s) = testing::store();
        let sum = generate(&s, 300, 7).unwrap();
        assert_eq!(sum.records, 300);
        assert_eq!(sum.finalised + sum.drafts, 300);
        assert!(sum.amended > 0);
        assert!(sum.fees_paid > 0, "repeats in a fiscal year are charged: {sum:?}");
        let all = s.list_records(&ListFilter::default()).unwrap();
        assert_eq!(all.len(), 300);
        let years: std::collections::BTreeSet<_> = all.iter().filter_map(|r| r.fiscal_year).collect();
        assert!(years.len() >= 5, "{years:?}");
        assert!(s.verify_local().unwrap().ok);
        // The FY2020 records were finalised when they were performed: past their 5 years by
        // FY2026, and not held as finalised too recently.
        let due = s.retention_due(crate::domain::Date::ymd(2026, 4, 1).unwrap()).unwrap();
        assert!(due.iter().any(|i| i.status == crate::domain::RecordStatus::Final), "{due:?}");
        assert!(due.iter().all(|i| i.held.is_none()), "{due:?}");

        let (_d2, s2) = testing::store();
        generate(&s2, 300, 7).unwrap();
        let ids =
            |s: &Store| s.list_records(&ListFilter::default()).unwrap().into_iter().map(|r| (r.id, r.status, r.version, r.performed_on)).collect::<Vec<_>>();
        assert_eq!(ids(&s), ids(&s2));
    }

    #[test]
    fn the_prng_is_stable() {
        let mut r = Rng::new(1);
        let first: Vec<u64> = (0..3).map(|_| r.next_u64() % 1000).collect();
        let mut r = Rng::new(1);
        assert_eq!(first, (0..3).map(|_| r.next_u64() % 1000).collect::<Vec<_>>());
    }
}
