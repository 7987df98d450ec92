//! 労働者の疲労蓄積度自己診断チェックリスト（2023年改正版）: 14 自覚症状 and 13 勤務の状況 items,
//! their points, the grades and the 仕事による負担度 (0–7).
//!
//! Sources (the 2023 revision; the 2004 version had 13 + 7 items and other thresholds — do not mix):
//! - 中央労働災害防止協会, 「労働者の疲労蓄積度自己診断チェックリスト（2023年改正版）」, published by
//!   MHLW as https://www.mhlw.go.jp/content/001084057.pdf, and the 新旧対照表 in 基安労発0404第1号
//!   (令和5年4月4日, https://www.mhlw.go.jp/content/001084302.pdf): the items and their points.
//! - JAISH 判定 page (http://www.jaish.gr.jp/td_chk/tdchk_e_ans.html): 自覚症状 I 0–2, II 3–7,
//!   III 8–14, IV ≥15; 勤務の状況 A 0, B 1–5, C 6–11, D ≥12; the 疲労蓄積度点数表 and its reading
//!   0–1 低い / 2–3 やや高い / 4–5 高い / 6–7 非常に高いと考えられる.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::section::{self, Choice, Item, Place, SectionResult};
use crate::domain::validate::{Strictness, Violations};

/// The worker's checklist as entered: every answer, or only the totals from paper.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct WorkerChecklist {
    /// 最近1か月間の自覚症状: for each of the 14 items the index of the ticked choice
    /// (ほとんどない 0, 時々ある 1, よくある 2), null when not yet answered. Empty when only the total is known.
    pub symptoms: Vec<Option<u8>>,
    /// 最近1か月間の勤務の状況: for each of the 13 items the index of the ticked choice, the
    /// choices in the order the sheet prints them (see `WORK`). Empty when only the total is known.
    pub work: Vec<Option<u8>>,
    /// 自覚症状の合計点 as written on the sheet (0–42).
    pub symptom_total: Option<u32>,
    /// 勤務の状況の合計点 as written on the sheet (0–33).
    pub work_total: Option<u32>,
}

impl WorkerChecklist {
    /// Nothing entered.
    pub fn is_empty(&self) -> bool {
        self.symptoms.iter().all(Option::is_none) && self.work.iter().all(Option::is_none) && self.symptom_total.is_none() && self.work_total.is_none()
    }
}

const FREQUENCY: &[Choice] =
    &[Choice { label: "ほとんどない", points: Some(0) }, Choice { label: "時々ある", points: Some(1) }, Choice { label: "よくある", points: Some(3) }];
const FEW_MANY: &[Choice] = &[Choice { label: "少ない", points: Some(0) }, Choice { label: "多い", points: Some(1) }];
const FEW_MANY_VERY: &[Choice] =
    &[Choice { label: "少ない", points: Some(0) }, Choice { label: "多い", points: Some(1) }, Choice { label: "非常に多い", points: Some(3) }];
const SMALL_LARGE: &[Choice] = &[Choice { label: "ない又は小さい", points: Some(0) }, Choice { label: "大きい", points: Some(1) }];
const NONE_LARGE_VERY: &[Choice] =
    &[Choice { label: "ない又は小さい", points: Some(0) }, Choice { label: "大きい", points: Some(1) }, Choice { label: "非常に大きい", points: Some(3) }];
const BURDEN: &[Choice] =
    &[Choice { label: "小さい", points: Some(0) }, Choice { label: "大きい", points: Some(1) }, Choice { label: "非常に大きい", points: Some(3) }];
const ENOUGH: &[Choice] =
    &[Choice { label: "十分", points: Some(0) }, Choice { label: "やや足りない", points: Some(1) }, Choice { label: "足りない", points: Some(3) }];

/// 1. 最近1か月間の自覚症状 (14 items, 0/1/3).
pub const SYMPTOMS: [Item; 14] = [
    Item { text: "イライラする", choices: FREQUENCY },
    Item { text: "不安だ", choices: FREQUENCY },
    Item { text: "落ち着かない", choices: FREQUENCY },
    Item { text: "ゆううつだ", choices: FREQUENCY },
    Item { text: "よく眠れない", choices: FREQUENCY },
    Item { text: "体の調子が悪い", choices: FREQUENCY },
    Item { text: "物事に集中できない", choices: FREQUENCY },
    Item { text: "することに間違いが多い", choices: FREQUENCY },
    Item { text: "仕事中、強い眠気に襲われる", choices: FREQUENCY },
    Item { text: "やる気が出ない", choices: FREQUENCY },
    Item { text: "へとへとだ（運動後を除く）", choices: FREQUENCY },
    Item { text: "朝、起きた時、ぐったりした疲れを感じる", choices: FREQUENCY },
    Item { text: "以前とくらべて、疲れやすい", choices: FREQUENCY },
    Item { text: "食欲がないと感じる", choices: FREQUENCY },
];

/// 2. 最近1か月間の勤務の状況 (13 items).
pub const WORK: [Item; 13] = [
    Item {
        text: "1か月の労働時間（時間外・休日労働時間を含む）",
        choices: &[Choice { label: "適当", points: Some(0) }, Choice { label: "多い", points: Some(1) }, Choice { label: "非常に多い", points: Some(3) }],
    },
    Item { text: "不規則な勤務（予定の変更、突然の仕事）", choices: FEW_MANY },
    Item { text: "出張に伴う負担（頻度・拘束時間・時差など）", choices: SMALL_LARGE },
    Item { text: "深夜勤務に伴う負担", choices: NONE_LARGE_VERY },
    Item {
        text: "休憩・仮眠の時間数及び施設", choices: &[Choice { label: "適切である", points: Some(0) }, Choice { label: "不適切である", points: Some(1) }]
    },
    Item { text: "仕事についての身体的負担", choices: BURDEN },
    Item { text: "仕事についての精神的負担", choices: BURDEN },
    Item { text: "職場・顧客等の人間関係による負担", choices: BURDEN },
    Item { text: "時間内に処理しきれない仕事", choices: FEW_MANY_VERY },
    Item { text: "自分のペースでできない仕事", choices: FEW_MANY_VERY },
    Item { text: "勤務時間外でも仕事のことが気にかかって仕方ない", choices: FREQUENCY },
    Item { text: "勤務日の睡眠時間", choices: ENOUGH },
    Item { text: "終業時刻から次の始業時刻の間にある休息時間", choices: ENOUGH },
];

/// 自覚症状の評価.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum SymptomGrade {
    I,
    II,
    III,
    IV,
}

/// 勤務の状況の評価.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum WorkGrade {
    A,
    B,
    C,
    D,
}

/// 仕事による負担度の判定.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BurdenReading {
    Low,
    SomewhatHigh,
    High,
    VeryHigh,
}

/// 自覚症状: the upper bound of I, II, III; IV above.
const SYMPTOM_BOUNDS: [(u32, SymptomGrade); 3] = [(2, SymptomGrade::I), (7, SymptomGrade::II), (14, SymptomGrade::III)];
/// 勤務の状況: the upper bound of A, B, C; D above.
const WORK_BOUNDS: [(u32, WorkGrade); 3] = [(0, WorkGrade::A), (5, WorkGrade::B), (11, WorkGrade::C)];
/// 疲労蓄積度点数表: rows 自覚症状 I–IV, columns 勤務の状況 A–D.
const MATRIX: [[u32; 4]; 4] = [[0, 0, 2, 4], [0, 1, 3, 5], [0, 2, 4, 6], [1, 3, 5, 7]];
/// 判定: the upper bound of each reading.
const READINGS: [(u32, BurdenReading); 4] = [(1, BurdenReading::Low), (3, BurdenReading::SomewhatHigh), (5, BurdenReading::High), (7, BurdenReading::VeryHigh)];

impl SymptomGrade {
    pub fn of(points: u32) -> Self {
        SYMPTOM_BOUNDS.iter().find(|(hi, _)| points <= *hi).map_or(SymptomGrade::IV, |(_, g)| *g)
    }
    pub fn label(self) -> &'static str {
        match self {
            SymptomGrade::I => "Ⅰ",
            SymptomGrade::II => "Ⅱ",
            SymptomGrade::III => "Ⅲ",
            SymptomGrade::IV => "Ⅳ",
        }
    }
}

impl WorkGrade {
    pub fn of(points: u32) -> Self {
        WORK_BOUNDS.iter().find(|(hi, _)| points <= *hi).map_or(WorkGrade::D, |(_, g)| *g)
    }
    pub fn label(self) -> &'static str {
        match self {
            WorkGrade::A => "A",
            WorkGrade::B => "B",
            WorkGrade::C => "C",
            WorkGrade::D => "D",
        }
    }
}

impl BurdenReading {
    pub fn of(burden: u32) -> Self {
        READINGS.iter().find(|(hi, _)| burden <= *hi).map_or(BurdenReading::VeryHigh, |(_, r)| *r)
    }
    pub fn label(self) -> &'static str {
        match self {
            BurdenReading::Low => "低いと考えられる",
            BurdenReading::SomewhatHigh => "やや高いと考えられる",
            BurdenReading::High => "高いと考えられる",
            BurdenReading::VeryHigh => "非常に高いと考えられる",
        }
    }
}

/// 仕事による負担度 (0–7) from the two grades.
pub fn burden(s: SymptomGrade, w: WorkGrade) -> u32 {
    MATRIX[s as usize][w as usize]
}

/// The checklist's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WorkerChecklistResult {
    pub symptoms: SectionResult,
    pub symptom_grade: Option<SymptomGrade>,
    pub work: SectionResult,
    pub work_grade: Option<WorkGrade>,
    /// 仕事による負担度 0–7.
    pub burden: Option<u32>,
    pub reading: Option<BurdenReading>,
    /// In words, e.g. 「自覚症状Ⅲ（9点）・勤務の状況C（7点）→ 仕事による負担度 4点：高いと考えられる」.
    pub summary: String,
}

pub fn score(c: &WorkerChecklist) -> WorkerChecklistResult {
    let symptoms = section::score(&SYMPTOMS, &c.symptoms, c.symptom_total);
    let work = section::score(&WORK, &c.work, c.work_total);
    let symptom_grade = symptoms.score.map(SymptomGrade::of);
    let work_grade = work.score.map(WorkGrade::of);
    let burden = symptom_grade.zip(work_grade).map(|(s, w)| burden(s, w));
    let reading = burden.map(BurdenReading::of);
    let part = |name: &str, r: &SectionResult, grade: Option<&str>| match (r.score, grade) {
        (Some(p), Some(g)) => format!("{name}{g}（{p}点）"),
        _ => format!("{name} 回答{}/{}問", r.answered, r.items),
    };
    let mut summary =
        format!("{}・{}", part("自覚症状", &symptoms, symptom_grade.map(SymptomGrade::label)), part("勤務の状況", &work, work_grade.map(WorkGrade::label)));
    if let (Some(b), Some(r)) = (burden, reading) {
        summary.push_str(&format!(" → 仕事による負担度 {b}点：{}", r.label()));
    }
    WorkerChecklistResult { symptoms, symptom_grade, work, work_grade, burden, reading, summary }
}

pub fn validate(c: &WorkerChecklist, strict: Strictness, v: &mut Violations) {
    if c.is_empty() {
        return;
    }
    let at = Place {
        answers: "fatigue_checklist.symptoms", total: Some("fatigue_checklist.symptom_total"), label: "疲労蓄積度チェックリストの自覚症状"
    };
    section::validate(&SYMPTOMS, &c.symptoms, c.symptom_total, strict, &at, v);
    let at = Place {
        answers: "fatigue_checklist.work", total: Some("fatigue_checklist.work_total"), label: "疲労蓄積度チェックリストの勤務の状況"
    };
    section::validate(&WORK, &c.work, c.work_total, strict, &at, v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maxima_follow_from_the_tables() {
        assert_eq!(section::max_total(&SYMPTOMS), 42);
        assert_eq!(section::max_total(&WORK), 33);
    }

    #[test]
    fn grades_at_every_edge() {
        use SymptomGrade::*;
        use WorkGrade::*;
        let symptoms = [(0, I), (2, I), (3, II), (7, II), (8, III), (14, III), (15, IV), (42, IV)];
        for (p, g) in symptoms {
            assert_eq!(SymptomGrade::of(p), g, "自覚症状 {p}点");
        }
        let work = [(0, A), (1, B), (5, B), (6, C), (11, C), (12, D), (33, D)];
        for (p, g) in work {
            assert_eq!(WorkGrade::of(p), g, "勤務の状況 {p}点");
        }
    }

    #[test]
    fn the_matrix_and_its_reading() {
        use SymptomGrade::*;
        use WorkGrade::*;
        let table = [(I, [0, 0, 2, 4]), (II, [0, 1, 3, 5]), (III, [0, 2, 4, 6]), (IV, [1, 3, 5, 7])];
        for (s, row) in table {
            for (w, expected) in [A, B, C, D].into_iter().zip(row) {
                assert_eq!(burden(s, w), expected, "{s:?}×{w:?}");
            }
        }
        let readings = [
            (0, BurdenReading::Low),
            (1, BurdenReading::Low),
            (2, BurdenReading::SomewhatHigh),
            (3, BurdenReading::SomewhatHigh),
            (4, BurdenReading::High),
            (5, BurdenReading::High),
            (6, BurdenReading::VeryHigh),
            (7, BurdenReading::VeryHigh),
        ];
        for (b, r) in readings {
            assert_eq!(BurdenReading::of(b), r, "負担度 {b}");
        }
    }

    /// Answers giving `points` on the symptom section: よくある (3) as often as fits, then 時々ある (1).
    fn symptom_answers(points: u32) -> Vec<Option<u8>> {
        let mut left = points;
        (0..14)
            .map(|_| {
                if left >= 3 {
                    left -= 3;
                    Some(2)
                } else if left >= 1 {
                    left -= 1;
                    Some(1)
                } else {
                    Some(0)
                }
            })
            .collect()
    }

    #[test]
    fn answers_are_scored_as_the_sheet_says() {
        // Each 勤務 item at its highest choice: 3+1+1+3+1+3+3+3+3+3+3+3+3 = 33.
        let all_top: Vec<Option<u8>> = WORK.iter().map(|it| Some(it.choices.len() as u8 - 1)).collect();
        let c = WorkerChecklist { symptoms: symptom_answers(9), work: all_top, ..Default::default() };
        let r = score(&c);
        assert_eq!(r.symptoms.score, Some(9));
        assert_eq!(r.work.score, Some(33));
        assert_eq!((r.symptom_grade, r.work_grade), (Some(SymptomGrade::III), Some(WorkGrade::D)));
        assert_eq!(r.burden, Some(6));
        assert_eq!(r.reading, Some(BurdenReading::VeryHigh));
        assert!(r.summary.contains("自覚症状Ⅲ（9点）") && r.summary.contains("負担度 6点：非常に高いと考えられる"), "{}", r.summary);
        // 不規則な勤務 has two choices: 多い is 1 point, not 3.
        let mut work = vec![Some(0); 13];
        work[1] = Some(1);
        let r = score(&WorkerChecklist { symptoms: symptom_answers(0), work, ..Default::default() });
        assert_eq!((r.work.score, r.work_grade, r.burden), (Some(1), Some(WorkGrade::B), Some(0)));
    }

    #[test]
    fn totals_alone_give_the_grades() {
        // The case table of the sheet, entered as totals: (自覚症状, 勤務, 負担度).
        let cases = [(2, 0, 0), (3, 1, 1), (15, 0, 1), (8, 6, 4), (14, 11, 4), (15, 12, 7), (7, 12, 5), (2, 6, 2)];
        for (s, w, b) in cases {
            let r = score(&WorkerChecklist { symptom_total: Some(s), work_total: Some(w), ..Default::default() });
            assert!(r.symptoms.from_total && r.work.from_total);
            assert_eq!(r.burden, Some(b), "自覚症状{s}点・勤務{w}点");
        }
    }

    #[test]
    fn incomplete_answers_give_no_burden_but_a_subtotal() {
        let mut symptoms = symptom_answers(6);
        symptoms[13] = None;
        let r = score(&WorkerChecklist { symptoms, work: vec![None; 13], ..Default::default() });
        assert_eq!((r.symptoms.answered, r.symptoms.subtotal, r.symptoms.score), (13, 6, None));
        assert_eq!(r.burden, None);
        assert!(r.summary.contains("回答13/14問"), "{}", r.summary);
    }

    fn fields(c: &WorkerChecklist, strict: Strictness) -> Vec<String> {
        let mut v = Violations::default();
        validate(c, strict, &mut v);
        v.into_vec().into_iter().map(|x| x.field).collect()
    }

    #[test]
    fn bad_input_names_the_field() {
        let full = WorkerChecklist { symptoms: symptom_answers(5), work: vec![Some(0); 13], ..Default::default() };
        assert!(fields(&full, Strictness::Final).is_empty());
        let totals = WorkerChecklist { symptom_total: Some(42), work_total: Some(33), ..Default::default() };
        assert!(fields(&totals, Strictness::Final).is_empty());
        assert!(fields(&WorkerChecklist::default(), Strictness::Final).is_empty());
        let cases: Vec<(WorkerChecklist, Strictness, &str)> = vec![
            // An answer outside the choices: 不規則な勤務 has only two.
            (
                WorkerChecklist {
                    work: {
                        let mut w = vec![Some(0); 13];
                        w[1] = Some(2);
                        w
                    },
                    ..full.clone()
                },
                Strictness::Draft,
                "fatigue_checklist.work.1",
            ),
            (
                WorkerChecklist {
                    symptoms: {
                        let mut s = symptom_answers(5);
                        s[0] = Some(3);
                        s
                    },
                    ..full.clone()
                },
                Strictness::Draft,
                "fatigue_checklist.symptoms.0",
            ),
            // The wrong number of answers.
            (WorkerChecklist { symptoms: vec![Some(0); 13], ..full.clone() }, Strictness::Draft, "fatigue_checklist.symptoms"),
            (WorkerChecklist { work: vec![Some(0); 14], ..full.clone() }, Strictness::Draft, "fatigue_checklist.work"),
            // A total that does not match the answers.
            (WorkerChecklist { symptom_total: Some(6), ..full.clone() }, Strictness::Draft, "fatigue_checklist.symptom_total"),
            (WorkerChecklist { work_total: Some(1), ..full.clone() }, Strictness::Draft, "fatigue_checklist.work_total"),
            // A total beyond the sheet's maximum.
            (WorkerChecklist { symptom_total: Some(43), ..totals.clone() }, Strictness::Draft, "fatigue_checklist.symptom_total"),
            (WorkerChecklist { work_total: Some(34), ..totals.clone() }, Strictness::Draft, "fatigue_checklist.work_total"),
            // Finalising with an unanswered item, or a section with nothing.
            (
                WorkerChecklist {
                    symptoms: {
                        let mut s = symptom_answers(5);
                        s[4] = None;
                        s
                    },
                    ..full.clone()
                },
                Strictness::Final,
                "fatigue_checklist.symptoms",
            ),
            (WorkerChecklist { work_total: None, ..totals.clone() }, Strictness::Final, "fatigue_checklist.work_total"),
        ];
        for (c, strict, field) in cases {
            assert_eq!(fields(&c, strict), [field], "{c:?}");
        }
        // A draft may be incomplete.
        let draft = WorkerChecklist {
            symptoms: {
                let mut s = symptom_answers(5);
                s[4] = None;
                s
            },
            ..full.clone()
        };
        assert!(fields(&draft, Strictness::Draft).is_empty());
        // The message names the section and the item, in Japanese.
        let mut v = Violations::default();
        let bad = WorkerChecklist {
            work: {
                let mut w = vec![Some(0); 13];
                w[1] = Some(2);
                w
            },
            ..full
        };
        validate(&bad, Strictness::Draft, &mut v);
        let m = &v.into_vec()[0].message;
        assert!(m.contains("勤務の状況の問2") && m.contains("少ない・多い"), "{m}");
    }
}
