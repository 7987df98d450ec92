//! ストレスチェック (安衛法66条の10): the 57-item 職業性ストレス簡易調査票's scale ranges, and the
//! high-stress judgement from the scores the doctor enters, by the two methods of the MHLW manual.
//!
//! Source: 厚生労働省「数値基準に基づいて『高ストレス者』を選定する方法」
//! (https://www.mhlw.go.jp/bunya/roudoukijun/anzeneisei12/pdf/150803-1.pdf), which explains
//! 「ストレスチェック制度実施マニュアル」 pp. 43–46:
//! - 合計点数を使う方法 (その1): every answer is scored 1–4 so that a higher score is more stress
//!   (the items A1–7, A11–13, A15 and B1–3 are reversed). A is 17 items (17–68), B is 29 items
//!   (29–116), C is 9 items (9–36). 高ストレス: ㋐ B ≥ 77, or ㋑ A+C ≥ 76 and B ≥ 63.
//! - 素点換算表を使う方法 (その2): each scale is converted to a 5-level 評価点 where a LOWER point is
//!   more stress. A is 9 scales, B 6 scales, C 3 scales. 高ストレス: ㋐ B ≤ 12, or ㋑ A+C ≤ 26 and B ≤ 17.
//!
//! The criteria are the manual's example; a workplace may set its own (衛生委員会), so a
//! disagreement with the recorded judgement is a warning, never an error.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codes::InterviewKind;
use super::interview::{Interview, StressScores};
use super::validate::{Strictness, Violation, Violations};

/// One area (領域) of the questionnaire, with the range of its score under each method.
pub struct Area {
    pub key: &'static str,
    pub label: &'static str,
    /// 合計点数: items × 1 ..= items × 4.
    pub total: (u32, u32),
    /// 素点換算表の評価点: scales × 1 ..= scales × 5.
    pub scale: (u32, u32),
}

/// 領域A, B, C of the 57-item questionnaire.
pub const AREAS: [Area; 3] = [
    Area { key: "a", label: "A ストレスの原因と考えられる因子", total: (17, 68), scale: (9, 45) },
    Area { key: "b", label: "B 心身のストレス反応", total: (29, 116), scale: (6, 30) },
    Area { key: "c", label: "C 周囲のサポート", total: (9, 36), scale: (3, 15) },
];

/// 合計点数を使う方法: ㋐ B ≥ 77, or ㋑ A+C ≥ 76 and B ≥ 63.
pub const TOTAL_B_ALONE: u32 = 77;
pub const TOTAL_AC: u32 = 76;
pub const TOTAL_B_WITH_AC: u32 = 63;
/// 素点換算表を使う方法: ㋐ B ≤ 12, or ㋑ A+C ≤ 26 and B ≤ 17.
pub const SCALE_B_ALONE: u32 = 12;
pub const SCALE_AC: u32 = 26;
pub const SCALE_B_WITH_AC: u32 = 17;

/// The high-stress judgement by 合計点数 (A, B, C are 合計点).
pub fn high_by_totals(a: u32, b: u32, c: u32) -> bool {
    b >= TOTAL_B_ALONE || (a + c >= TOTAL_AC && b >= TOTAL_B_WITH_AC)
}

/// The high-stress judgement by 素点換算表 (A, B, C are sums of 評価点).
pub fn high_by_scales(a: u32, b: u32, c: u32) -> bool {
    b <= SCALE_B_ALONE || (a + c <= SCALE_AC && b <= SCALE_B_WITH_AC)
}

/// What the scores say, for the screen and the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StressJudgement {
    /// By 合計点数, when A, B and C are all given.
    pub by_totals: Option<bool>,
    /// By 素点換算表, when the three 評価点 are all given.
    pub by_scales: Option<bool>,
    /// In words, e.g. 「合計点数方式: 高ストレスに該当（B≧77）」.
    pub summary: Vec<String>,
}

impl StressJudgement {
    /// High stress by either method given.
    pub fn high(&self) -> Option<bool> {
        match (self.by_totals, self.by_scales) {
            (None, None) => None,
            (t, s) => Some(t == Some(true) || s == Some(true)),
        }
    }
}

fn in_range(v: Option<u32>, (lo, hi): (u32, u32)) -> Option<u32> {
    v.filter(|x| (lo..=hi).contains(x))
}

/// Judge the scores. Scores outside their ranges are left out (validation reports them).
pub fn judge(s: &StressScores) -> StressJudgement {
    let totals = [s.a, s.b, s.c];
    let scales = [s.scale_a, s.scale_b, s.scale_c];
    let t: Vec<Option<u32>> = AREAS.iter().zip(totals).map(|(ar, v)| in_range(v, ar.total)).collect();
    let k: Vec<Option<u32>> = AREAS.iter().zip(scales).map(|(ar, v)| in_range(v, ar.scale)).collect();
    let mut summary = Vec::new();
    let by_totals = match (t[0], t[1], t[2]) {
        (Some(a), Some(b), Some(c)) => {
            let high = high_by_totals(a, b, c);
            let why = if b >= TOTAL_B_ALONE {
                format!("B≧{TOTAL_B_ALONE}")
            } else if high {
                format!("A+C≧{TOTAL_AC} かつ B≧{TOTAL_B_WITH_AC}")
            } else {
                format!("B<{TOTAL_B_ALONE}、A+C≧{TOTAL_AC}かつB≧{TOTAL_B_WITH_AC}でもない")
            };
            summary.push(format!("合計点数方式: 高ストレスに{}（A+C={}、{why}）", if high { "該当" } else { "非該当" }, a + c));
            Some(high)
        }
        _ => None,
    };
    let by_scales = match (k[0], k[1], k[2]) {
        (Some(a), Some(b), Some(c)) => {
            let high = high_by_scales(a, b, c);
            let why = if b <= SCALE_B_ALONE {
                format!("B≦{SCALE_B_ALONE}")
            } else if high {
                format!("A+C≦{SCALE_AC} かつ B≦{SCALE_B_WITH_AC}")
            } else {
                format!("B>{SCALE_B_ALONE}、A+C≦{SCALE_AC}かつB≦{SCALE_B_WITH_AC}でもない")
            };
            summary.push(format!("素点換算表方式: 高ストレスに{}（A+C={}、{why}）", if high { "該当" } else { "非該当" }, a + c));
            Some(high)
        }
        _ => None,
    };
    StressJudgement { by_totals, by_scales, summary }
}

/// Errors: a score outside its scale's range. Called from `Interview::validate`. A draft may hold
/// a number below the range (older screens asked for 評価点 in these fields, and such drafts must
/// still save); 確定 (and 訂正) need each area's 57-item range. Above it is never possible.
pub fn validate(i: &Interview, strict: Strictness, v: &mut Violations) {
    let Some(s) = &i.stress else { return };
    for (area, (total, scale)) in AREAS.iter().zip([(s.a, s.scale_a), (s.b, s.scale_b), (s.c, s.scale_c)]) {
        let (lo, hi) = area.total;
        let (scale_lo, scale_hi) = area.scale;
        let wrong = |x: u32| if strict == Strictness::Final { !(lo..=hi).contains(&x) } else { x > hi };
        if let Some(x) = total.filter(|x| wrong(*x)) {
            // A number that fits the 評価点 range but not the 合計点数 was most likely typed in the
            // wrong field (older versions of the screen asked for 評価点 here).
            let hint = if (scale_lo..=scale_hi).contains(&x) {
                "素点換算表の評価点であれば「評価点の合計」の欄に入力してください。"
            } else {
                ""
            };
            v.push(
                format!("stress.{}", area.key),
                format!("ストレスチェックの{}（合計点数）は{lo}〜{hi}点で入力してください（職業性ストレス簡易調査票57項目）。{hint}", area.label),
            );
        }
        let (lo, hi) = area.scale;
        if scale.is_some_and(|x| !(lo..=hi).contains(&x)) {
            v.push(
                format!("stress.scale_{}", area.key),
                format!("ストレスチェックの{}（素点換算表の評価点の合計）は{lo}〜{hi}点で入力してください。", area.label),
            );
        }
    }
}

/// Warnings, never blocking 確定: the recorded judgement disagrees with what the scores give.
pub fn warnings(i: &Interview) -> Vec<Violation> {
    let mut v = Violations::default();
    let Some(s) = &i.stress else { return v.into_vec() };
    let judged = judge(s);
    let kind_high = i.kind == Some(InterviewKind::HighStress);
    match judged.high() {
        Some(false) if kind_high => v.push(
            "stress",
            "入力された点数は、厚生労働省マニュアルの高ストレス者の基準例に該当しません。事業場の基準で高ストレスと判定されたか、点数の入力を確かめてください。",
        ),
        Some(false) if s.judged_high == Some(true) => v.push(
            "stress.judged_high",
            "ストレスチェックで「高ストレス」と記録されていますが、入力された点数は基準例に該当しません。点数か判定を確かめてください。",
        ),
        Some(true) if s.judged_high == Some(false) => v.push(
            "stress.judged_high",
            "ストレスチェックで「高ストレスでない」と記録されていますが、入力された点数は基準例では高ストレスに該当します。点数か判定を確かめてください。",
        ),
        _ => {}
    }
    if kind_high && s.judged_high == Some(false) && judged.high() != Some(true) {
        v.push("stress.judged_high", "高ストレス者の面接指導ですが、ストレスチェックの判定が「高ストレスでない」になっています。判定を確かめてください。");
    }
    v.into_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals(a: u32, b: u32, c: u32) -> StressScores {
        StressScores { a: Some(a), b: Some(b), c: Some(c), ..Default::default() }
    }

    fn scales(a: u32, b: u32, c: u32) -> StressScores {
        StressScores { scale_a: Some(a), scale_b: Some(b), scale_c: Some(c), ..Default::default() }
    }

    #[test]
    fn totals_method_at_every_edge() {
        // (A, B, C, high)
        let cases = [
            (17, 77, 9, true),   // ㋐ B = 77
            (17, 76, 9, false),  // B one below, A+C low
            (68, 116, 36, true), // the maximum
            (17, 29, 9, false),  // the minimum
            (40, 63, 36, true),  // ㋑ A+C = 76, B = 63
            (40, 62, 36, false), // ㋑ B one below
            (39, 63, 36, false), // ㋑ A+C = 75
            (50, 76, 25, false), // A+C = 75, B one below ㋐
            (51, 76, 25, true),  // A+C = 76
        ];
        for (a, b, c, high) in cases {
            assert_eq!(high_by_totals(a, b, c), high, "A={a} B={b} C={c}");
            assert_eq!(judge(&totals(a, b, c)).by_totals, Some(high));
        }
    }

    #[test]
    fn scales_method_at_every_edge() {
        let cases = [
            (45, 12, 15, true),  // ㋐ B = 12
            (45, 13, 15, false), // ㋐ B one above, A+C high
            (9, 6, 3, true),     // the minimum
            (9, 30, 3, false),   // A+C minimum but B high
            (20, 17, 6, true),   // ㋑ A+C = 26, B = 17
            (20, 18, 6, false),  // ㋑ B one above
            (21, 17, 6, false),  // ㋑ A+C = 27
        ];
        for (a, b, c, high) in cases {
            assert_eq!(high_by_scales(a, b, c), high, "A={a} B={b} C={c}");
            assert_eq!(judge(&scales(a, b, c)).by_scales, Some(high));
        }
    }

    #[test]
    fn partial_or_out_of_range_scores_judge_nothing() {
        let j = judge(&StressScores { a: Some(40), b: Some(80), ..Default::default() });
        assert_eq!((j.by_totals, j.by_scales, j.high()), (None, None, None));
        let j = judge(&totals(40, 200, 20));
        assert_eq!(j.by_totals, None);
    }

    fn with_stress(kind: InterviewKind, s: StressScores) -> Interview {
        Interview { kind: Some(kind), stress: Some(s), ..Default::default() }
    }

    fn fields(i: &Interview) -> Vec<String> {
        let mut v = Violations::default();
        validate(i, Strictness::Final, &mut v);
        v.into_vec().into_iter().map(|x| x.field).collect()
    }

    #[test]
    fn scores_outside_the_57_item_ranges_are_errors() {
        let ok = with_stress(InterviewKind::HighStress, totals(17, 29, 9));
        assert!(fields(&ok).is_empty());
        let ok = with_stress(InterviewKind::HighStress, totals(68, 116, 36));
        assert!(fields(&ok).is_empty());
        let cases: [(StressScores, &str); 8] = [
            (totals(16, 80, 20), "stress.a"),
            (totals(69, 80, 20), "stress.a"),
            (totals(40, 28, 20), "stress.b"),
            (totals(40, 117, 20), "stress.b"),
            (totals(40, 80, 8), "stress.c"),
            (totals(40, 80, 37), "stress.c"),
            (scales(8, 12, 3), "stress.scale_a"),
            (scales(9, 31, 3), "stress.scale_b"),
        ];
        for (s, field) in cases {
            assert_eq!(fields(&with_stress(InterviewKind::HighStress, s)), [field]);
        }
        assert_eq!(fields(&with_stress(InterviewKind::HighStress, scales(9, 6, 16))), ["stress.scale_c"]);
        assert_eq!(fields(&with_stress(InterviewKind::HighStress, scales(9, 6, 2))), ["stress.scale_c"]);
        let mut v = Violations::default();
        validate(&with_stress(InterviewKind::HighStress, totals(16, 80, 20)), Strictness::Final, &mut v);
        let m = &v.into_vec()[0].message;
        assert!(m.contains("A ストレスの原因と考えられる因子") && m.contains("17〜68"), "{m}");
    }

    /// Older screens asked for 評価点 in the A/B/C fields: such a draft still saves, 確定 names
    /// the right field for them, and only an impossible number is refused in a draft.
    #[test]
    fn scores_from_older_screens_save_as_drafts_and_point_to_the_right_field() {
        let old = with_stress(InterviewKind::HighStress, totals(20, 12, 7));
        let mut v = Violations::default();
        validate(&old, Strictness::Draft, &mut v);
        assert!(v.is_empty(), "{:?}", v.into_vec());
        let mut v = Violations::default();
        validate(&old, Strictness::Final, &mut v);
        let v = v.into_vec();
        assert_eq!(v.iter().map(|x| x.field.as_str()).collect::<Vec<_>>(), ["stress.b", "stress.c"]);
        assert!(v.iter().all(|x| x.message.contains("「評価点の合計」の欄")), "{v:?}");
        let mut v = Violations::default();
        validate(&with_stress(InterviewKind::HighStress, totals(40, 117, 20)), Strictness::Draft, &mut v);
        assert_eq!(v.into_vec().len(), 1, "more than any scale holds is refused even in a draft");
    }

    #[test]
    fn either_methods_three_figures_let_a_high_stress_interview_be_finalised() {
        let complete = |s: StressScores| {
            let i = with_stress(InterviewKind::HighStress, s);
            !i.validate(Strictness::Final).into_vec().iter().any(|v| v.field == "stress")
        };
        assert!(complete(totals(40, 80, 20)));
        assert!(complete(scales(20, 12, 6)));
        assert!(!complete(StressScores { scale_a: Some(20), scale_b: Some(12), ..Default::default() }));
        assert!(!complete(StressScores { a: Some(40), b: Some(80), ..Default::default() }));
    }

    #[test]
    fn a_judgement_that_disagrees_is_a_warning() {
        // A high-stress interview whose scores meet neither criterion.
        let w = warnings(&with_stress(InterviewKind::HighStress, totals(40, 70, 20)));
        assert_eq!(w.iter().map(|x| x.field.as_str()).collect::<Vec<_>>(), ["stress"]);
        // Meeting the criteria: no warning.
        assert!(warnings(&with_stress(InterviewKind::HighStress, totals(40, 80, 20))).is_empty());
        // High by 素点換算表 though not by 合計点: either method is enough.
        let s = StressScores { scale_a: Some(20), scale_b: Some(12), scale_c: Some(6), ..totals(40, 70, 20) };
        assert!(warnings(&with_stress(InterviewKind::HighStress, s)).is_empty());
        // The stress check's recorded judgement against the scores.
        let s = StressScores { judged_high: Some(false), ..totals(40, 80, 20) };
        assert_eq!(warnings(&with_stress(InterviewKind::LongHours, s)).len(), 1);
        let s = StressScores { judged_high: Some(true), ..totals(40, 70, 20) };
        assert_eq!(warnings(&with_stress(InterviewKind::LongHours, s)).len(), 1);
        // No scores: nothing to say.
        assert!(warnings(&Interview { kind: Some(InterviewKind::HighStress), ..Default::default() }).is_empty());
    }
}
