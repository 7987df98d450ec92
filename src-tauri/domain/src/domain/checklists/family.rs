//! 家族による労働者の疲労蓄積度チェックリスト（2023年改正版）.
//!
//! Sources: 中央労働災害防止協会 / MHLW https://www.mhlw.go.jp/content/001084060.pdf, the JAISH
//! entry page (td_chk/tdchk_f_list.html) for the 13 疲労・ストレス症状 items and their three
//! choices, and page 16 of https://www.mhlw.go.jp/content/001084302.pdf for the 総合判定: a
//! 疲労蓄積度点数表 with the 「働き方と休養」該当個数 in two columns (3個未満 / 3個以上) gives a point
//! of 0–2, read as 0 低い / 1 やや高い / 2 高いと考えられる.
//!
//! Not verified, so not computed here: the points of each symptom answer and the rows of the
//! 点数表 (the symptom-score bands). The doctor enters the sheet's 点数 (0–2) as the family wrote
//! it; the app reads it out and records the answers. See docs/record-format.md.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::section::{self, Choice, Item, Place, SectionResult};
use crate::domain::validate::{Strictness, Violations};

/// The family's checklist as entered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct FamilyChecklist {
    /// 最近1か月の疲労・ストレス症状: for each of the 13 items the index of the ticked choice
    /// (ほとんどない 0, 時々ある 1, よくある 2), null when not answered. Empty when not entered.
    pub symptoms: Vec<Option<u8>>,
    /// 最近1か月の働き方と休養: how many items the family ticked.
    pub work_rest_count: Option<u32>,
    /// ご家族の疲労蓄積度の点数 (0–2) as the sheet gives it.
    pub score: Option<u32>,
}

impl FamilyChecklist {
    pub fn is_empty(&self) -> bool {
        self.symptoms.iter().all(Option::is_none) && self.work_rest_count.is_none() && self.score.is_none()
    }
}

const SEEMS: &[Choice] =
    &[Choice { label: "ほとんどない", points: None }, Choice { label: "時々ある", points: None }, Choice { label: "よくある", points: None }];

/// 最近1か月の疲労・ストレス症状 (13 items).
pub const SYMPTOMS: [Item; 13] = [
    Item { text: "イライラしているようだ", choices: SEEMS },
    Item { text: "不安そうだ", choices: SEEMS },
    Item { text: "落ち着かないようだ", choices: SEEMS },
    Item { text: "ゆううつそうだ", choices: SEEMS },
    Item { text: "体の調子が悪そうだ", choices: SEEMS },
    Item { text: "物事に集中できないようだ", choices: SEEMS },
    Item { text: "することに間違いが多いようだ", choices: SEEMS },
    Item { text: "強い眠気に襲われるようだ", choices: SEEMS },
    Item { text: "やる気が出ないようだ", choices: SEEMS },
    Item { text: "へとへとのようだ（運動後を除く）", choices: SEEMS },
    Item { text: "朝起きた時、疲れが残っているようだ", choices: SEEMS },
    Item { text: "以前とくらべて、疲れやすいようだ", choices: SEEMS },
    Item { text: "食事量が減っているようだ", choices: SEEMS },
];

/// The 点数表's columns: 「働き方と休養」該当個数 3個未満 / 3個以上.
pub const WORK_REST_THRESHOLD: u32 = 3;
/// The highest 疲労蓄積度の点数.
pub const MAX_SCORE: u32 = 2;

/// ご家族の疲労蓄積度.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FamilyReading {
    Low,
    SomewhatHigh,
    High,
}

impl FamilyReading {
    pub fn of(score: u32) -> Option<Self> {
        match score {
            0 => Some(FamilyReading::Low),
            1 => Some(FamilyReading::SomewhatHigh),
            2 => Some(FamilyReading::High),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            FamilyReading::Low => "低いと考えられる",
            FamilyReading::SomewhatHigh => "やや高いと考えられる",
            FamilyReading::High => "高いと考えられる",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FamilyChecklistResult {
    pub symptoms: SectionResult,
    /// How many symptoms the family saw 「よくある」 and 「時々ある」.
    pub often: u32,
    pub sometimes: u32,
    /// 「働き方と休養」 3個以上.
    pub work_rest_three_or_more: Option<bool>,
    pub score: Option<u32>,
    pub reading: Option<FamilyReading>,
    /// In words, e.g. 「家族の評価：疲労蓄積度 1点：やや高いと考えられる（働き方と休養 3個以上）」.
    pub summary: String,
}

pub fn score(c: &FamilyChecklist) -> FamilyChecklistResult {
    let symptoms = section::score(&SYMPTOMS, &c.symptoms, None);
    let count = |k: u8| c.symptoms.iter().filter(|a| **a == Some(k)).count() as u32;
    let score = c.score.filter(|s| *s <= MAX_SCORE);
    let reading = score.and_then(FamilyReading::of);
    let work_rest_three_or_more = c.work_rest_count.map(|n| n >= WORK_REST_THRESHOLD);
    let mut parts = Vec::new();
    if !c.symptoms.is_empty() {
        parts.push(format!("症状 回答{}/{}問（よくある{}・時々ある{}）", symptoms.answered, symptoms.items, count(2), count(1)));
    }
    if let Some(n) = c.work_rest_count {
        parts.push(format!("働き方と休養 {n}個"));
    }
    match (score, reading) {
        (Some(s), Some(r)) => parts.push(format!("疲労蓄積度 {s}点：{}", r.label())),
        _ => parts.push("疲労蓄積度の点数は未入力".into()),
    }
    FamilyChecklistResult { often: count(2), sometimes: count(1), symptoms, work_rest_three_or_more, score, reading, summary: parts.join("・") }
}

/// Errors: answers outside the choices, the wrong number of answers, a point beyond 0–2.
pub fn validate(c: &FamilyChecklist, v: &mut Violations) {
    if c.is_empty() {
        return;
    }
    let at = Place { answers: "family_checklist.symptoms", total: None, label: "家族用チェックリストの疲労・ストレス症状" };
    // Unanswered items are allowed: the sheet tells the family to tick ほとんどない when unsure,
    // and a doctor may record only the 点数.
    section::validate(&SYMPTOMS, &c.symptoms, None, Strictness::Draft, &at, v);
    if c.score.is_some_and(|s| s > MAX_SCORE) {
        v.push("family_checklist.score", format!("家族用チェックリストの疲労蓄積度の点数は0〜{MAX_SCORE}点で入力してください。"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reading_of_every_point() {
        let cases = [(0, Some(FamilyReading::Low)), (1, Some(FamilyReading::SomewhatHigh)), (2, Some(FamilyReading::High)), (3, None)];
        for (s, r) in cases {
            assert_eq!(FamilyReading::of(s), r, "{s}点");
        }
    }

    #[test]
    fn a_result_counts_answers_and_reads_the_point() {
        let mut symptoms = vec![Some(0); 13];
        symptoms[0] = Some(2);
        symptoms[1] = Some(1);
        symptoms[2] = Some(1);
        let r = score(&FamilyChecklist { symptoms, work_rest_count: Some(3), score: Some(1) });
        assert_eq!((r.often, r.sometimes, r.work_rest_three_or_more), (1, 2, Some(true)));
        assert_eq!(r.reading, Some(FamilyReading::SomewhatHigh));
        assert!(r.summary.contains("やや高い") && r.summary.contains("働き方と休養 3個"), "{}", r.summary);
        let r = score(&FamilyChecklist { work_rest_count: Some(2), ..Default::default() });
        assert_eq!((r.work_rest_three_or_more, r.score), (Some(false), None));
    }

    fn fields(c: &FamilyChecklist) -> Vec<String> {
        let mut v = Violations::default();
        validate(c, &mut v);
        v.into_vec().into_iter().map(|x| x.field).collect()
    }

    #[test]
    fn bad_input_names_the_field() {
        assert!(fields(&FamilyChecklist { symptoms: vec![Some(2); 13], work_rest_count: Some(5), score: Some(2) }).is_empty());
        assert_eq!(fields(&FamilyChecklist { score: Some(3), ..Default::default() }), ["family_checklist.score"]);
        assert_eq!(fields(&FamilyChecklist { symptoms: vec![Some(0); 12], ..Default::default() }), ["family_checklist.symptoms"]);
        let mut s = vec![Some(0); 13];
        s[12] = Some(3);
        assert_eq!(fields(&FamilyChecklist { symptoms: s, ..Default::default() }), ["family_checklist.symptoms.12"]);
    }
}
