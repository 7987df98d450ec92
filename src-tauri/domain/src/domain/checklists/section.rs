//! One section of a checklist: its items with their choices, the answers (the index of the ticked
//! choice), or only the section's total when only that came on paper.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::validate::{Strictness, Violations};

/// A choice of an item, with the points the checklist gives it (None where the sheet scores the
/// section otherwise).
pub struct Choice {
    pub label: &'static str,
    pub points: Option<u32>,
}

/// An item of a checklist.
pub struct Item {
    pub text: &'static str,
    pub choices: &'static [Choice],
}

/// An item, for the entry screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChecklistItem {
    /// The number printed on the sheet (1-based).
    pub number: u32,
    pub text: String,
    pub choices: Vec<ChecklistChoice>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChecklistChoice {
    pub label: String,
    pub points: Option<u32>,
}

pub fn describe(items: &[Item]) -> Vec<ChecklistItem> {
    items
        .iter()
        .enumerate()
        .map(|(n, it)| ChecklistItem {
            number: n as u32 + 1,
            text: it.text.to_string(),
            choices: it.choices.iter().map(|c| ChecklistChoice { label: c.label.to_string(), points: c.points }).collect(),
        })
        .collect()
}

/// The highest total a section can have.
pub fn max_total(items: &[Item]) -> u32 {
    items.iter().map(|it| it.choices.iter().filter_map(|c| c.points).max().unwrap_or(0)).sum()
}

/// A section's score, as far as the input allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SectionResult {
    /// Items answered, of `items`.
    pub answered: u32,
    pub items: u32,
    /// The points of the answers so far.
    pub subtotal: u32,
    /// The section's score: the answers' sum once all are answered, or the total entered when
    /// no answer was. None while incomplete.
    pub score: Option<u32>,
    /// The score is the total from paper, not computed from answers.
    pub from_total: bool,
}

fn points(item: &Item, answer: u8) -> Option<u32> {
    item.choices.get(usize::from(answer)).and_then(|c| c.points)
}

pub fn score(items: &[Item], answers: &[Option<u8>], total: Option<u32>) -> SectionResult {
    let valid = answers.len() == items.len();
    let answered = answers.iter().flatten().count() as u32;
    let subtotal = items.iter().zip(answers).filter_map(|(it, a)| a.and_then(|a| points(it, a))).sum();
    let all_points = valid && items.iter().zip(answers).all(|(it, a)| a.is_some_and(|a| points(it, a).is_some()));
    let (score, from_total) = if all_points {
        (Some(subtotal), false)
    } else if answers.is_empty() {
        (total.filter(|t| *t <= max_total(items)), total.is_some())
    } else {
        (None, false)
    };
    SectionResult { answered, items: items.len() as u32, subtotal, score, from_total }
}

/// Where a section lives in the record, and its name for messages.
pub struct Place<'a> {
    /// e.g. `fatigue_checklist.symptoms`
    pub answers: &'a str,
    /// e.g. `fatigue_checklist.symptom_total`, when the section has a total.
    pub total: Option<&'a str>,
    /// e.g. 「疲労蓄積度チェックリストの自覚症状」
    pub label: &'a str,
}

/// Errors in one section. A draft may be incomplete; what it holds must be possible.
pub fn validate(items: &[Item], answers: &[Option<u8>], total: Option<u32>, strict: Strictness, at: &Place, v: &mut Violations) {
    let n = items.len();
    let label = at.label;
    if !answers.is_empty() && answers.len() != n {
        v.push(at.answers, format!("{label}の回答は{n}問分を入力してください。問の数が合いません。"));
        return;
    }
    for (k, (item, a)) in items.iter().zip(answers).enumerate() {
        if let Some(a) = a {
            if usize::from(*a) >= item.choices.len() {
                let options: Vec<&str> = item.choices.iter().map(|c| c.label).collect();
                v.push(
                    format!("{}.{k}", at.answers),
                    format!("{label}の問{}の回答が選択肢（{}）にありません。選び直してください。", k + 1, options.join("・")),
                );
            }
        }
    }
    let Some(total_field) = at.total else { return };
    let max = max_total(items);
    if total.is_some_and(|t| t > max) {
        v.push(total_field, format!("{label}の合計点は0〜{max}点で入力してください。"));
        return;
    }
    let result = score(items, answers, None);
    if let (Some(sum), Some(t)) = (result.score, total) {
        if sum != t {
            v.push(total_field, format!("{label}の合計点が、各問の回答から計算した点と一致しません。回答か合計点を直してください。"));
        }
    }
    if strict == Strictness::Final {
        let missing: Vec<String> = answers.iter().enumerate().filter(|(_, a)| a.is_none()).map(|(k, _)| (k + 1).to_string()).collect();
        if !answers.is_empty() && !missing.is_empty() {
            v.push(at.answers, format!("{label}の問{}が未回答です。すべて回答するか、回答を消して合計点だけを入力してください。", missing.join("・")));
        } else if answers.is_empty() && total.is_none() {
            v.push(total_field, format!("{label}の回答か合計点を入力してください。"));
        }
    }
}
