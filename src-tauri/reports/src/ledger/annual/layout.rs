//! The report as the lines of the sheet: first 別添3 as MHLW prints it (基安労発0210第1号, seed
//! 002), row by row in its order and in its words, then, under [`SUPPLEMENT_HEADING`], the
//! figures the app adds that are not on the 様式.
//!
//! Decisions:
//! - The labels and notes are the 様式's, character for character, its half-width brackets
//!   included: 「コーディネーターの人数(統括を含む)」, 「①100時間超申し出者(法66条の8)(延べ)」.
//!   That row keeps the 様式's words although 法66条の8 has applied from 80 h since April 2019
//!   (安衛則52条の2); it counts every 66条の8 interview, and a 参考 line says so.
//! - The columns: A the label; B the value (one value) or 計画 and C 実績 (the one table of the
//!   様式 with both: 相談実施件数); D the unit; E the 様式's note. A single value spans B:C.
//! - 場所別開催回数 計 is a formula over the three places, as on the 様式, with the computed
//!   value stored beside it, so that a reader that does not calculate shows the same number.
//! - IV その他: one line per 事業内容 (the activities' descriptions, trimmed, in order of first
//!   date), with their 回数 added up.
//! - Not on the 様式, so under 参考 on a page of their own: the plans of lines that have no 計画
//!   column (開催回数, 面接指導実施人数), interviews under articles the 様式 has no row for
//!   (66条の10 高ストレス者, …: see [`super::sheet_row`]), the 事業場訪問 share against the
//!   FY2023 target of 2割以上, and the drafts not counted.

use unicode_width::UnicodeWidthStr;

use super::*;
use crate::domain::Code;

/// The heading of what the app adds below the 様式.
pub const SUPPLEMENT_HEADING: &str = "参考（本報告書の様式外）";
/// The sentence under it.
pub const SUPPLEMENT_NOTE: &str = "以下はアプリが同じ記録から集計した参考値です。上記の様式の項目ではありません。";

/// A value in column B (or C).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Val {
    None,
    Int(u64),
    Percent(f64),
    Text(String),
}

impl Val {
    fn plan(p: Option<u32>) -> Val {
        p.map(|n| Val::Int(u64::from(n))).unwrap_or(Val::None)
    }

    fn shown(&self) -> String {
        match self {
            Val::None => String::new(),
            Val::Int(n) => n.to_string(),
            Val::Percent(p) => format!("{:.1}%", p * 100.0),
            Val::Text(s) => s.clone(),
        }
    }
}

/// One line of the sheet.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Line {
    /// 地域産業保健事業実績報告書, across the sheet.
    Title(String),
    /// 期間：…, across the sheet.
    Period(String),
    /// I 基本的事項, II 事業実績 …
    Section(String),
    /// 1 特定健康相談, 4 従事者 …
    Sub(String),
    /// A caption over a table (場所別開催回数) or a sentence.
    Caption(String),
    /// A label with its value across B:E (I-1 to I-3).
    Field {
        label: String,
        value: Val,
    },
    /// A label, one value across B:C, the unit and the note.
    One {
        label: String,
        value: Val,
        unit: String,
        note: String,
    },
    /// 計: the sum of the `n` lines above it, as a formula with its value.
    Sum {
        label: String,
        n: u32,
        value: u64,
        unit: String,
    },
    /// The header of a table with 計画 and 実績.
    PlanHeader,
    /// A label, 計画, 実績, the unit and the note.
    Two {
        label: String,
        plan: Val,
        actual: Val,
        unit: String,
        note: String,
    },
    /// The header of IV その他: 事業内容 / 回数等.
    OtherHeader,
    /// A line of IV その他: the 事業内容 and its 回数 (blank for a line left to fill in).
    Other {
        label: String,
        count: Option<u64>,
    },
    /// A sentence across the sheet, wrapped.
    Note(String),
    /// An empty line that starts a new page (the 参考 is printed on a page of its own).
    PageBreak,
    Blank,
}

pub(super) const COLS: usize = 5;
/// Excel width units per East Asian width unit of text, by column (the notes are set in 9 pt).
pub(super) const SCALE: [f64; COLS] = [1.1, 1.1, 1.1, 1.1, 0.9];

/// The lines a text takes in a column `width` units wide when it wraps.
pub(super) fn lines_in(text: &str, col: usize, width: f64) -> u32 {
    let units = UnicodeWidthStr::width(text) as f64 * SCALE[col];
    ((units / width.max(1.0)).ceil() as u32).max(1)
}

fn one(label: &str, value: Val, unit: &str, note: &str) -> Line {
    Line::One { label: label.into(), value, unit: unit.into(), note: note.into() }
}

fn two(label: &str, p: &PlannedCount, unit: &str, note: &str) -> Line {
    two_of(label, p.planned, p.actual.value, unit, note)
}

fn two_of(label: &str, planned: Option<u32>, actual: u64, unit: &str, note: &str) -> Line {
    Line::Two { label: label.into(), plan: Val::plan(planned), actual: Val::Int(actual), unit: unit.into(), note: note.into() }
}

fn sessions(out: &mut Vec<Line>, s: &SessionsByPlace) {
    out.push(Line::Caption("場所別開催回数".into()));
    for place in Place::ALL {
        out.push(one(place.label(), Val::Int(s.at(*place).value), "回", ""));
    }
    out.push(Line::Sum { label: "計".into(), n: Place::ALL.len() as u32, value: s.total.actual.value, unit: "回".into() });
}

fn share_note(v: &VisitShare) -> String {
    let verdict = if v.met { "達成" } else { "未達成" };
    let s = &v.by_sessions;
    let r = &v.by_records;
    let by_records = match r.ratio {
        Some(p) => format!("{:.1}%", p * 100.0),
        None => "—".into(),
    };
    format!("{verdict}（事業場訪問{}回／計{}回。件数では{}件／{}件 = {by_records}）", s.part.value, s.whole.value, r.part.value, r.whole.value)
}

/// IV その他 by 事業内容: the 回数 of each description added up, in order of first date.
fn other_work_lines(w: &OtherWork) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = Vec::new();
    for item in &w.items {
        match out.iter_mut().find(|(d, _)| *d == item.description) {
            Some((_, n)) => *n += u64::from(item.count),
            None => out.push((item.description.clone(), u64::from(item.count))),
        }
    }
    out
}

/// The 様式 (別添3), line by line.
fn official(r: &AnnualReport) -> Vec<Line> {
    let zones = r.zone_count.parse::<u64>().map(Val::Int).unwrap_or(Val::None);
    let mut out = vec![
        Line::Title("地域産業保健事業実績報告書".into()),
        Line::Period(format!("期間：{}", r.period_label)),
        Line::Blank,
        Line::Section("I 基本的事項".into()),
        Line::Field { label: "1 実施機関（委託先）名".into(), value: Val::Text(r.centre_name.clone()) },
        Line::Field { label: "2 労働局名".into(), value: Val::Text(r.labour_bureau.clone()) },
        Line::Field { label: "3 圏域の数".into(), value: zones },
        Line::Sub("4 従事者".into()),
        one("産業医の人数", Val::Int(r.staff.doctors.value), "人", ""),
        one("保健師の人数", Val::Int(r.staff.nurses.value), "人", ""),
        one("コーディネーターの人数(統括を含む)", Val::Int(r.staff.coordinators.value), "人", "(※統括兼務のコーディネーターは2名と計上)"),
        Line::Blank,
        Line::Section("II 事業実績".into()),
        Line::Sub("1 特定健康相談".into()),
    ];
    let c = &r.consultations;
    sessions(&mut out, &c.sessions);
    out.push(Line::Caption("相談実施件数".into()));
    out.push(Line::PlanHeader);
    out.push(two("①健診結果に基づく医師の意見 相談事業場数(延べ)", &c.opinion_workplaces, "事業場", "(※2回以上実施した事業場はそれぞれ計上)"));
    out.push(two("　意見対象労働者数(延べ)", &c.opinion_workers, "人", ""));
    out.push(two("②脳心臓疾患有リスク者保健指導(延べ)", &c.health_guidance, "人", "(※同一労働者が2回以上対象となった場合はそれぞれ計上)"));
    out.push(two("③メンタル不調者相談・指導(延べ)", &c.mental_health, "人", "(同上)"));
    out.push(Line::Blank);
    out.push(Line::Sub("2 面接指導".into()));
    let i = &r.interviews;
    sessions(&mut out, &i.sessions);
    out.push(Line::Caption("面接指導実施人数".into()));
    out.push(one("①100時間超申し出者(法66条の8)(延べ)", Val::Int(i.long_hours.actual.value), "人", "(※同一労働者に2回以上実施した場合はそれぞれ計上)"));
    out.push(one("②その他長時間労働者等(法66条の9)(延べ)", Val::Int(i.other_long_hours.actual.value), "人", "(同上)"));
    out.push(Line::Blank);
    out.push(Line::Sub("3 地域産業保健事業運営協議会".into()));
    out.push(Line::Caption("開催回数".into()));
    out.push(one("都道府県単位の協議会", Val::Int(r.councils.prefecture.value), "回", ""));
    out.push(one("圏域単位の協議会", Val::Int(r.councils.zone.value), "回", ""));
    out.push(Line::Blank);
    out.push(Line::Section("III コーディネーター".into()));
    out.push(one("活動日数(延べ)", Val::Int(r.coordinator_days.total.value), "日", "(※各コーディネーター(統括を含む)の活動日数の合計)"));
    out.push(Line::Blank);
    out.push(Line::Section("IV その他".into()));
    out.push(Line::Caption("上記以外の業務を行った場合は以下に内容及び回数等を記載ください。".into()));
    out.push(Line::OtherHeader);
    let other = other_work_lines(&r.other_work);
    if other.is_empty() {
        out.push(Line::Other { label: String::new(), count: None });
    }
    for (label, count) in other {
        out.push(Line::Other { label, count: Some(count) });
    }
    out
}

/// What the app adds, below the 様式.
fn supplement(r: &AnnualReport) -> Vec<Line> {
    let c = &r.consultations;
    let i = &r.interviews;
    let mut out = vec![Line::PageBreak, Line::Section(SUPPLEMENT_HEADING.into()), Line::Note(SUPPLEMENT_NOTE.into()), Line::PlanHeader];
    out.push(two("特定健康相談 場所別開催回数 計", &c.sessions.total, "回", "様式には計画欄がありません"));
    out.push(two("面接指導 場所別開催回数 計", &i.sessions.total, "回", "同上"));
    out.push(two("面接指導 ①法66条の8(延べ)", &i.long_hours, "人", "同上"));
    out.push(two("面接指導 ②法66条の9(延べ)", &i.other_long_hours, "人", "同上"));
    for k in i.by_kind.iter().filter(|k| k.row == InterviewRow::Supplementary) {
        out.push(two_of(
            &format!("面接指導 {}(延べ)", k.kind.label()),
            k.planned,
            k.actual.value,
            "人",
            "様式に該当する行がありません。場所別開催回数には含みます",
        ));
    }
    let share = &r.workplace_visit_share;
    out.push(Line::Two {
        label: "特定健康相談 事業場訪問の割合(目標2割以上)".into(),
        plan: Val::Percent(share.target),
        actual: share.by_sessions.ratio.map(Val::Percent).unwrap_or(Val::Text("—".into())),
        unit: String::new(),
        note: share_note(share),
    });
    out.push(Line::Two {
        label: "集計に含めていない下書き".into(),
        plan: Val::None,
        actual: Val::Int(r.pending_drafts.value),
        unit: "件".into(),
        note: "確定すると集計に含まれます".into(),
    });
    out.push(Line::Note(
        "※II-2①の行名は様式のままです。法66条の8の面接指導の対象は平成31年4月から月80時間超（安衛則52条の2）で、その面接指導をすべて計上しています。".into(),
    ));
    out
}

/// The report as the lines of the sheet, in order: the 様式, then the 参考.
pub(super) fn layout(r: &AnnualReport) -> Vec<Line> {
    let mut out = official(r);
    out.extend(supplement(r));
    out
}

/// Column widths in Excel's units (the width of a digit of the default 11 pt font), sized so
/// that the sheet fits A4 portrait at about 100% (some 95 units across): text is measured by
/// East Asian width (a full-width character counts two), a full-width glyph is a little wider
/// than two digits, the notes are set in 9 pt, and long labels and notes wrap at the cap.
pub(super) fn column_widths(lines: &[Line]) -> [f64; COLS] {
    const MIN: [f64; COLS] = [24.0, 8.0, 8.0, 6.0, 12.0];
    const MAX: [f64; COLS] = [40.0, 10.0, 10.0, 7.0, 32.0];
    let mut w = MIN;
    let mut fit = |col: usize, s: &str| {
        let units = UnicodeWidthStr::width(s) as f64 * SCALE[col] + 1.0;
        w[col] = w[col].max(units.min(MAX[col]));
    };
    for l in lines {
        match l {
            Line::Field { label, .. } => fit(0, label),
            Line::Other { label, .. } => fit(0, label),
            Line::One { label, unit, note, .. } => {
                fit(0, label);
                fit(3, unit);
                fit(4, note);
            }
            Line::Two { label, plan, actual, unit, note } => {
                fit(0, label);
                fit(1, &plan.shown());
                fit(2, &actual.shown());
                fit(3, unit);
                fit(4, note);
            }
            _ => {}
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(label: &str, plan: Val, actual: Val, unit: &str, note: &str) -> Line {
        Line::Two { label: label.into(), plan, actual, unit: unit.into(), note: note.into() }
    }

    #[test]
    fn widths_follow_east_asian_width() {
        let long = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも";
        let w = column_widths(&[item(long, Val::None, Val::Int(1), "回", "")]);
        // 30 full-width characters are 60 columns wide: capped at 40 (the label wraps).
        assert_eq!(w[0], 40.0);
        let w = column_widths(&[item("保健師の人数", Val::None, Val::Int(1), "回", "")]);
        assert_eq!(w[0], 24.0, "short labels keep the minimum");
        let w = column_widths(&[item("コーディネーターの人数", Val::None, Val::Int(1), "事業場", "")]);
        assert!((w[0] - (22.0 * 1.1 + 1.0)).abs() < 1e-9, "{w:?}");
        assert!((w[3] - 7.0).abs() < 1e-9, "{w:?}");
        // However long the texts, the sheet stays about as wide as A4 portrait.
        let w = column_widths(&[item(long, Val::Int(1_000_000), Val::Int(1_000_000), long, long)]);
        assert!(w.iter().sum::<f64>() <= 100.0, "{w:?}");
    }

    #[test]
    fn wrapped_lines_are_counted_by_east_asian_width() {
        assert_eq!(lines_in("", 0, 24.0), 1);
        assert_eq!(lines_in("保健師の人数", 0, 24.0), 1);
        // 30 full-width characters: 66 units in a 40-unit column: two lines.
        assert_eq!(lines_in(&"あ".repeat(30), 0, 40.0), 2);
        assert_eq!(lines_in(&"あ".repeat(18), 0, 40.0), 1, "39.6 units fit in 40");
        // In the 9 pt note column: 27 units in 32, one line; 35.1, two; 64.8, three.
        assert_eq!(lines_in(&"あ".repeat(15), 4, 32.0), 1);
        assert_eq!(lines_in(&"あ".repeat(19), 4, 32.0), 2);
        assert_eq!(lines_in(&"あ".repeat(36), 4, 32.0), 3);
    }

    #[test]
    fn other_work_is_one_line_per_description() {
        let it = |d: &str, n| OtherWorkItem { id: String::new(), held_on: Date::ymd(2025, 5, 1).unwrap(), description: d.into(), count: n };
        let w = OtherWork { items: vec![it("周知訪問", 3), it("研修会の講師", 1), it("周知訪問", 2)], total: AnnualCount::default() };
        assert_eq!(other_work_lines(&w), [("周知訪問".to_string(), 5), ("研修会の講師".to_string(), 1)]);
    }
}
