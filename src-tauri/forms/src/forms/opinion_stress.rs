//! The high-stress variant (法66条の10): 面接指導結果報告書 and 就業上の措置に係る意見書, laid
//! out like the 様式例 of seed 003 (静岡労働局, 「労働衛生の現況」): 勤務の状況, 心理的な負担の
//! 状況 with the stress-check scores A/B/C, その他の心身の状況, 本人への指導区分 (several may be
//! chosen), 就業区分, the measures (with 時間外労働の禁止 and the exclusion from flexible hours),
//! 職場環境の改善に関する意見, and the doctor's signature.

use crate::domain::{Code, HoursMeasure, Interview, OtherMeasure, Sex, StressGuidance, WorkClass};
use crate::error::Result;

use super::fonts::FontSet;
use super::input::{hm, hours, wareki, FormInput};
use super::opinion::{common_fields, options_cell, period_units, section, signature, subject_line, SignDates};
use super::sheet::{opts, opts_text, Mark, Opt, Sheet, LABEL, LEFT, SMALL, THIN, VALUE, WIDTH};

pub const FORM_NO: &str = "様式例（法66条の10）";
pub const TITLE: &str = "面接指導結果報告書及び就業上の措置に係る意見書";
const NOTE: &str = "※本様式は事業者が面接指導の結果としてそのまま保存することも可能です（労働安全衛生規則第52条の18）。";

pub fn fields(input: &FormInput, i: &Interview) -> Vec<(String, String)> {
    let r = &i.result;
    let o = &i.opinion;
    let mut f = common_fields(input);
    for (label, value) in [
        ("勤務の状況", &r.work_situation),
        ("医学的所見に関する特記事項", &r.medical_notes),
        ("その他の心身の状況（所見）", &r.other_findings_text),
        ("要再面接の時期", &r.reinterview_timing),
        ("その他の特記事項", &r.other_notes),
        ("職場環境の改善に関する意見", &o.workplace_environment),
        ("医療機関への受診配慮等", &o.medical_consideration),
        ("その他（連絡事項等）", &o.remarks),
    ] {
        f.push((label.into(), value.clone()));
    }
    for (n, line) in o.measure_lines.iter().enumerate() {
        f.push((format!("労働時間以外の項目 {})", n + 1), line.clone()));
    }
    for m in &o.hours_measures {
        if let HoursMeasure::Other { text } = m {
            f.push(("労働時間の短縮（その他）".into(), text.clone()));
        }
    }
    f
}

/// The options of a code printed as this 様式 does: `0. 通常勤務`.
fn dotted<C: Code + PartialEq>(chosen: &[C], label: impl Fn(C) -> &'static str) -> Vec<Opt> {
    C::ALL.iter().map(|c| Opt { text: format!("{}. {}", c.mark(), label(*c)), selected: chosen.contains(c) }).collect()
}

fn score(v: Option<u32>) -> String {
    v.map(|n| n.to_string()).unwrap_or_else(|| "　".into())
}

pub fn render(input: &FormInput, i: &Interview, fonts: FontSet) -> Result<Vec<u8>> {
    draw(input, i, fonts)?.finish()
}

/// The sheet drawn, before [`Sheet::finish`]: for the clearance check.
pub fn draw(input: &FormInput, i: &Interview, fonts: FontSet) -> Result<Sheet> {
    let mut s = Sheet::new(fonts, input.header(FORM_NO, TITLE, subject_line(input, i)));
    let wp = input.snapshot.workplace.clone().unwrap_or_default();
    let wk = input.snapshot.worker.clone().unwrap_or_default();
    let r = &i.result;
    let o = &i.opinion;
    let stress = i.stress.clone().unwrap_or_default();

    s.title(19.0, TITLE);
    s.text(LEFT, 25.5, SMALL, NOTE);
    let mut y = section(&mut s, 28.0, "面接指導結果報告書");
    let h = 8.0;

    // 対象者
    s.label(LEFT, y, 22.0, 3.0 * h, "対象者");
    s.label(LEFT + 22.0, y, 18.0, h, "事業場名");
    s.value(LEFT + 40.0, y, 82.0, h, "事業場名", &wp.name);
    s.label(LEFT + 122.0, y, 16.0, h, "所属");
    s.value(LEFT + 138.0, y, 42.0, h, "所属", [wk.department.as_str(), wk.position.as_str()].join(" ").trim());
    s.label(LEFT + 22.0, y + h, 18.0, 2.0 * h, "氏名");
    s.value(LEFT + 40.0, y + h, 82.0, 2.0 * h, "氏名", &wk.name);
    s.label(LEFT + 122.0, y + h, 16.0, h, "性別");
    let sex = opts_text(&[("男", wk.sex == Some(Sex::Male)), ("・", false), ("女", wk.sex == Some(Sex::Female))]);
    s.cell(LEFT + 138.0, y + h, 42.0, h);
    s.options(LEFT + 141.0, y + h + 5.2, 36.0, &sex, Mark::Circle, VALUE);
    s.label(LEFT + 122.0, y + 2.0 * h, 16.0, h, "年齢");
    s.value(LEFT + 138.0, y + 2.0 * h, 42.0, h, "年齢", &format!("{}歳", input.age_at(i.performed_on)));
    y += 3.0 * h;

    // 勤務の状況
    s.label(LEFT, y, 40.0, 14.0, "勤務の状況\n（労働時間、\n労働時間以外の要因）");
    s.text_area(LEFT + 40.0, y, WIDTH - 40.0, 14.0, "勤務の状況", &r.work_situation);
    y += 14.0;

    // 心理的な負担の状況 / その他の心身の状況 | 医学的所見に関する特記事項
    let psy_h = 20.0;
    s.label(LEFT, y, 40.0, psy_h, "心理的な負担の状況");
    s.cell(LEFT + 40.0, y, 80.0, psy_h);
    // The 合計点数 when given; otherwise the 評価点 of the 素点換算表 method, said so.
    let by_scales = [stress.a, stress.b, stress.c].iter().all(Option::is_none) && [stress.scale_a, stress.scale_b, stress.scale_c].iter().any(Option::is_some);
    let (heading, values) = if by_scales {
        ("ストレスチェック結果（素点換算表の評価点）", [stress.scale_a, stress.scale_b, stress.scale_c])
    } else {
        ("ストレスチェック結果", [stress.a, stress.b, stress.c])
    };
    s.text(LEFT + 42.0, y + 4.5, LABEL, heading);
    for (n, (name, v)) in ["A. ストレスの要因", "B. 心身の自覚症状", "C. 周囲の支援"].into_iter().zip(values).enumerate() {
        let by = y + 9.0 + n as f32 * 4.3;
        s.text(LEFT + 46.0, by, LABEL, name);
        s.text_right(LEFT + 40.0, by, 70.0, VALUE, &score(v));
        s.text(LEFT + 112.0, by, LABEL, "点");
    }
    s.label(LEFT + 120.0, y, 60.0, 6.0, "医学的所見に関する特記事項");
    s.text_area(LEFT + 120.0, y + 6.0, 60.0, psy_h + h - 6.0, "医学的所見に関する特記事項", &r.medical_notes);
    y += psy_h;
    s.label(LEFT, y, 40.0, h, "その他の心身の状況");
    s.cell(LEFT + 40.0, y, 80.0, h);
    let findings = opts_text(&[("0. 所見なし", r.other_findings == Some(false)), ("1. 所見あり", r.other_findings == Some(true))]);
    let used = s.width(LABEL, "0. 所見なし　1. 所見あり") + 8.0;
    s.options(LEFT + 42.0, y + h / 2.0 + 1.2, used, &findings, Mark::Circle, LABEL);
    let text = if r.other_findings_text.trim().is_empty() { String::new() } else { format!("（{}）", r.other_findings_text.trim()) };
    s.value_in(LEFT + 42.0 + used - 4.0, y, 80.0 - used + 2.0, h, "その他の心身の状況（所見）", &text);
    y += h;

    // 面接医師判定
    let judge_h = 25.0;
    s.label(LEFT, y, 22.0, judge_h, "面接医師判定");
    s.label(LEFT + 22.0, y, 18.0, judge_h, "本人への\n指導区分\n（複数\n選択可）");
    s.cell(LEFT + 40.0, y, 80.0, judge_h);
    let guidance = dotted::<StressGuidance>(&r.stress_guidance, |g| match g {
        StressGuidance::ReInterview => "要再面接",
        StressGuidance::Treatment => "現病治療継続 又は 医療機関紹介",
        other => other.label(),
    });
    let mut gy = y + 5.0;
    for (n, g) in guidance.iter().enumerate() {
        let x = if n % 2 == 0 || n == 4 { LEFT + 42.0 } else { LEFT + 80.0 };
        s.options(x, gy, 76.0, std::slice::from_ref(g), Mark::Circle, LABEL);
        if n == 3 {
            let timing = if r.reinterview_timing.trim().is_empty() {
                "（時期：　　　）".to_string()
            } else {
                format!("（時期：{}）", r.reinterview_timing.trim())
            };
            // On its own line under 3. 要再面接, so that a long 時期 never runs into the rule.
            gy += 5.5;
            s.value_in(LEFT + 82.0, gy - 4.8, LEFT + 119.0 - (LEFT + 82.0), 6.5, "要再面接の時期", &timing);
        }
        if n % 2 == 1 || n == 4 {
            gy += 5.5;
        }
    }
    s.label(LEFT + 120.0, y, 60.0, 6.0, "その他の特記事項");
    s.text_area(LEFT + 120.0, y + 6.0, 60.0, judge_h - 6.0, "その他の特記事項", &r.other_notes);
    y += judge_h + 3.0;

    // ── 就業上の措置に係る意見書 ──
    y = section(&mut s, y, "就業上の措置に係る意見書");
    s.label(LEFT, y, 40.0, h, "就業区分");
    let work = dotted::<WorkClass>(r.work_class.as_slice(), WorkClass::stress_label);
    options_cell(&mut s, LEFT + 40.0, y, WIDTH - 40.0, h, &work, Mark::Circle);
    y += h;

    let x0 = LEFT + 16.0;
    let (lw, cw) = (24.0, WIDTH - 16.0 - 24.0);
    let (hours_h, other_h, period_h) = (30.5, 30.0, 9.0);
    s.label(LEFT, y, 16.0, hours_h + other_h + period_h, "就業上の\n措置");

    s.label(x0, y, lw, hours_h, "労働時間の\n短縮\n（考えられる\nものに○）");
    s.cell(x0 + lw, y, cw, hours_h);
    let find = |pred: fn(&HoursMeasure) -> bool| o.hours_measures.iter().any(pred);
    let limit = o.hours_measures.iter().find_map(|m| if let HoursMeasure::OvertimeLimit { hours_per_month } = m { Some(*hours_per_month) } else { None });
    let span = o.hours_measures.iter().find_map(|m| if let HoursMeasure::WorkingHours { from, to } = m { Some((*from, *to)) } else { None });
    let other_text = o.hours_measures.iter().find_map(|m| if let HoursMeasure::Other { text } = m { Some(text.clone()) } else { None });
    let col2 = x0 + lw + 78.0;
    let rows = [y + 5.3, y + 11.1, y + 16.9, y + 22.7, y + 28.5];
    let one = |s: &mut Sheet, x: f32, by: f32, text: &str, selected: bool| {
        s.options(x, by, x0 + lw + cw - 2.0 - x, &[Opt { text: text.to_string(), selected }], Mark::Circle, LABEL);
    };
    one(&mut s, x0 + lw + 3.0, rows[0], "0. 特に指示なし", find(|m| matches!(m, HoursMeasure::NoInstruction)));
    one(&mut s, x0 + lw + 3.0, rows[1], "1. 時間外労働の制限", limit.is_some());
    if let Some(Some(h)) = limit {
        s.text(x0 + lw + 36.0, rows[1], LABEL, &format!("（{}時間/月まで）", hours(Some(h))));
    }
    one(&mut s, x0 + lw + 3.0, rows[2], "2. 時間外労働の禁止", find(|m| matches!(m, HoursMeasure::OvertimeBan)));
    one(&mut s, x0 + lw + 3.0, rows[3], "3. 就業時間を制限", span.is_some());
    let (from, to) = span.unwrap_or((None, None));
    let span_text = if span.is_some() { format!("{} ～ {}", hm(from), hm(to)) } else { "　時　分 ～ 　時　分".into() };
    s.text(x0 + lw + 32.0, rows[3], LABEL, &span_text);
    one(&mut s, x0 + lw + 3.0, rows[4], "4. 変形労働時間制又は裁量労働制の対象からの除外", find(|m| matches!(m, HoursMeasure::FlexExclusion)));
    one(&mut s, col2, rows[0], "5. 就業の禁止（休暇・休養の指示）", find(|m| matches!(m, HoursMeasure::NoWork)));
    one(&mut s, col2, rows[1], "6. その他", other_text.is_some());
    s.value_in(col2 + 14.0, rows[1] - 4.5, x0 + lw + cw - col2 - 14.0, 12.0, "労働時間の短縮（その他）", &other_text.unwrap_or_default());
    y += hours_h;

    s.label(x0, y, lw, other_h, "労働時間以外の\n項目\n（考えられる\nものに○を付け\n措置内容を\n具体的に記述）");
    s.cell(x0 + lw, y, cw, other_h);
    s.text(x0 + lw + 2.0, y + 5.0, LABEL, "主要項目");
    let others: Vec<Opt> = opts::<OtherMeasure>(&o.other_measures)
        .into_iter()
        .map(|mut o| {
            o.text = o.text.replacen('：', ". ", 1);
            o
        })
        .collect();
    s.options(x0 + lw + 17.0, y + 5.0, cw - 19.0, &others, Mark::Circle, LABEL);
    for n in 0..3 {
        let ly = y + 10.5 + n as f32 * 6.5;
        s.line(x0 + lw + 2.0, ly + 6.0, x0 + lw + cw - 2.0, ly + 6.0, THIN * 0.6);
        s.text(x0 + lw + 2.0, ly + 4.6, LABEL, &format!("{})", n + 1));
        let text = o.measure_lines.get(n).cloned().unwrap_or_default();
        s.value_in(x0 + lw + 7.0, ly, cw - 9.0, 6.5, &format!("労働時間以外の項目 {})", n + 1), &text);
    }
    y += other_h;

    s.label(x0, y, lw, period_h, "措置期間");
    s.cell(x0 + lw, y, cw, period_h);
    let by = y + 5.7;
    let amount = o.period_amount.map(|a| a.to_string()).unwrap_or_else(|| "　".into());
    let aw = s.text(x0 + lw + 4.0, by, VALUE, &amount);
    period_units(&mut s, x0 + lw + 6.0 + aw, by, o.period_unit);
    s.text(x0 + lw + 40.0, by, LABEL, &format!("又は　{} ～ {}", blank_date(o.period_from), blank_date(o.period_to)));
    y += period_h;

    for (label, value, rh) in [
        ("職場環境の改善に\n関する意見", &o.workplace_environment, 13.0),
        ("医療機関への受診配慮等", &o.medical_consideration, 11.0),
        ("その他（連絡事項等）", &o.remarks, 12.0),
    ] {
        s.label(LEFT, y, 40.0, rh, label);
        s.text_area(LEFT + 40.0, y, WIDTH - 40.0, rh, &label.replace('\n', ""), value);
        y += rh;
    }
    y += 2.0;

    // 医師の所属先 / 年月日（実施年月日） / 意見書作成日 / 医師氏名 / 印
    signature(&mut s, input, y, &SignDates::of(i, "年月日（実施年月日）", true));
    Ok(s)
}

fn blank_date(d: Option<crate::domain::Date>) -> String {
    match d {
        Some(_) => wareki(d),
        None => "　年　月　日".into(),
    }
}
