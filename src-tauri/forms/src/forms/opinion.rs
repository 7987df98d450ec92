//! 様式例2-3 面接指導結果報告書及び事後措置に係る意見書 (long hours: 法66条の8, 66条の9).
//!
//! Laid out like the 様式 of seed 002: the report (対象者, 疲労の蓄積, 心身の状況, 判定区分,
//! 指導勧告の必要性), the doctor's signature and 印, the opinion (労働時間の短縮, 労働時間以外の
//! 項目, 措置期間, 受診配慮, 連絡事項), the signature again, and the employer's sign-off boxes.

use crate::domain::{Code, Diagnosis, Fatigue, GuidanceClass, HoursMeasure, Interview, OtherMeasure, PeriodUnit, Sex, WorkClass};
use crate::error::Result;

use super::fonts::FontSet;
use super::input::{hm, hours, wareki, FormInput};
use super::sheet::{opts, opts_one, opts_text, Mark, Opt, Sheet, LABEL, LEFT, RIGHT, SMALL, THIN, VALUE, WIDTH};

pub const FORM_NO: &str = "様式例2-3";
pub const TITLE: &str = "面接指導結果報告書及び事後措置に係る意見書";
const PREAMBLE: &str = "本報告書および意見書は、労働安全衛生規則第52条の6の規定（事業者は面接指導の結果の記録を作成し、これを5年間保存すること。当該記録は労働者の疲労の蓄積の状況、心身の状況、事後措置に係る医師の意見等を記入したもの）に基づく面接指導の結果の記録に該当するものです。";

/// Every value the form prints that comes from a person (for the glyph check and the tests).
pub fn fields(input: &FormInput, i: &Interview) -> Vec<(String, String)> {
    let mut f = common_fields(input);
    f.push(("特記事項".into(), i.result.special_notes.clone()));
    for (n, line) in i.opinion.measure_lines.iter().enumerate() {
        f.push((format!("労働時間以外の項目 {})", n + 1), line.clone()));
    }
    for m in &i.opinion.hours_measures {
        if let HoursMeasure::Other { text } = m {
            f.push(("労働時間の短縮（その他）".into(), text.clone()));
        }
    }
    f.push(("医療機関への受診配慮等".into(), i.opinion.medical_consideration.clone()));
    f.push(("連絡事項等".into(), i.opinion.remarks.clone()));
    f
}

/// The people and places every interview form names.
pub(crate) fn common_fields(input: &FormInput) -> Vec<(String, String)> {
    let wp = input.snapshot.workplace.clone().unwrap_or_default();
    let wk = input.snapshot.worker.clone().unwrap_or_default();
    vec![
        ("事業場名".into(), wp.name),
        ("電話".into(), wp.phone),
        ("氏名".into(), wk.name),
        ("所属".into(), [wk.department, wk.position].join(" ").trim().to_string()),
        ("医師の所属先".into(), input.doctor_affiliation()),
        ("医師氏名".into(), input.doctor_name()),
    ]
}

/// The subject line repeated on continuation pages.
pub(crate) fn subject_line(input: &FormInput, i: &Interview) -> String {
    format!("対象者 {}　事業場 {}　実施日 {}", input.worker_name(), input.workplace_name(), wareki(i.performed_on))
}

/// A section title bar.
pub(crate) fn section(s: &mut Sheet, y: f32, text: &str) -> f32 {
    s.label(LEFT, y, WIDTH, 6.5, text);
    y + 6.5
}

/// The label of the date the opinion was written, where the 様式 has only the interview's date.
pub(crate) const OPINION_DATE: &str = "意見書作成日";

/// The dates a signature block prints: the interview's (実施日, the legal record's date of the
/// interview, 安衛則52条の6・52条の18) and, in the opinion's block, the opinion's.
pub(crate) struct SignDates<'a> {
    /// The label of the interview date, as the 様式 prints it.
    pub performed_label: &'a str,
    pub performed: String,
    pub opinion: Option<String>,
}

impl SignDates<'_> {
    /// The interview's date, and the opinion's when `with_opinion` (the interview's when no
    /// opinion date was recorded: the opinion was written the same day).
    pub(crate) fn of<'a>(i: &Interview, performed_label: &'a str, with_opinion: bool) -> SignDates<'a> {
        SignDates { performed_label, performed: wareki(i.performed_on), opinion: with_opinion.then(|| wareki(i.opinion_on.or(i.performed_on))) }
    }
}

/// The doctor's signature block with the 印 box: 医師の所属先 / 実施日 (/ 意見書作成日) / 医師氏名.
pub(crate) fn signature(s: &mut Sheet, input: &FormInput, y: f32, dates: &SignDates) -> f32 {
    let rows: Vec<(&str, &str, String)> = std::iter::once((dates.performed_label, "実施日", dates.performed.clone()))
        .chain(dates.opinion.clone().map(|d| (OPINION_DATE, OPINION_DATE, d)))
        .chain(std::iter::once(("医師氏名", "医師氏名", input.doctor_name())))
        .collect();
    let h = if rows.len() == 3 { 7.5 } else { 9.0 };
    let total = h * rows.len() as f32;
    // The date labels on one line each: a long one (年月日（実施年月日）) takes room from 所属先.
    let lw = rows.iter().map(|(l, _, _)| s.width(LABEL, l) + 4.0).fold(24.0, f32::max);
    let (aw, vw) = (70.0 - (lw - 24.0), 42.0);
    s.label(LEFT, y, 22.0, total, "医師の所属先");
    s.value(LEFT + 22.0, y, aw, total, "医師の所属先", &input.doctor_affiliation());
    for (n, (label, field, value)) in rows.iter().enumerate() {
        let ry = y + n as f32 * h;
        s.label(LEFT + 22.0 + aw, ry, lw, h, label);
        s.value(LEFT + 22.0 + aw + lw, ry, vw, h, field, value);
    }
    // The seal box: 印 printed faintly in the corner, the rest left for the seal.
    s.cell(LEFT + 158.0, y, 22.0, total);
    s.text(LEFT + 158.0 + 17.0, y + total - 2.0, SMALL, "印");
    y + total
}

/// 日・週・月 as the 様式 prints it, the chosen unit circled; returns the width used.
pub(crate) fn period_units(s: &mut Sheet, x: f32, y: f32, chosen: Option<PeriodUnit>) -> f32 {
    let mut cx = x;
    for (n, u) in PeriodUnit::ALL.iter().enumerate() {
        if n > 0 {
            cx += s.text(cx + 1.6, y, LABEL, "・") + 3.2;
        }
        s.options(cx, y, 10.0, &[Opt { text: u.label().to_string(), selected: chosen == Some(*u) }], Mark::Circle, LABEL);
        cx += s.width(LABEL, u.label());
    }
    cx - x
}

/// Options in a cell: ruled, with the options flowing inside it.
pub(crate) fn options_cell(s: &mut Sheet, x: f32, y: f32, w: f32, h: f32, items: &[Opt], mark: Mark) {
    s.cell(x, y, w, h);
    s.options(x + 2.5, y + h / 2.0 + 1.2, w - 5.0, items, mark, LABEL);
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

    s.title(19.0, TITLE);
    let measure = |t: &str| s.width(SMALL, t);
    let preamble = super::wrap::wrap(PREAMBLE, WIDTH, &measure);
    let mut y = 25.0;
    for line in preamble {
        s.text(LEFT, y, SMALL, &line);
        y += 3.6;
    }

    // ── 面接指導結果報告書 ──
    y = section(&mut s, y + 1.0, "面接指導結果報告書");
    let h = 8.0;
    s.label(LEFT, y, 22.0, 3.0 * h, "対象者");
    s.label(LEFT + 22.0, y, 20.0, h, "事業場名");
    s.value(LEFT + 42.0, y, 78.0, h, "事業場名", &wp.name);
    s.label(LEFT + 120.0, y, 16.0, h, "電話");
    s.value(LEFT + 136.0, y, 44.0, h, "電話", &wp.phone);
    s.label(LEFT + 22.0, y + h, 20.0, 2.0 * h, "氏名");
    s.value(LEFT + 42.0, y + h, 78.0, 2.0 * h, "氏名", &wk.name);
    s.label(LEFT + 120.0, y + h, 16.0, h, "所属");
    s.value(LEFT + 136.0, y + h, 44.0, h, "所属", [wk.department.as_str(), wk.position.as_str()].join(" ").trim());
    s.label(LEFT + 120.0, y + 2.0 * h, 16.0, h, "性別・年齢");
    s.cell(LEFT + 136.0, y + 2.0 * h, 44.0, h);
    let sex = opts_text(&[("男", wk.sex == Some(Sex::Male)), ("・", false), ("女", wk.sex == Some(Sex::Female))]);
    s.options(LEFT + 139.0, y + 2.0 * h + 5.2, 24.0, &sex, Mark::Circle, VALUE);
    s.text_right(LEFT + 136.0, y + 2.0 * h + 5.3, 42.0, VALUE, &format!("{}歳", input.age_at(i.performed_on)));
    y += 3.0 * h;

    s.label(LEFT, y, 42.0, h, "疲労の蓄積の状況");
    options_cell(&mut s, LEFT + 42.0, y, 78.0, h, &opts_one::<Fatigue>(r.fatigue), Mark::Circle);
    s.label(LEFT + 120.0, y, 16.0, 2.0 * h, "特記事項");
    s.text_area(LEFT + 136.0, y, 44.0, 2.0 * h, "特記事項", &r.special_notes);
    s.label(LEFT, y + h, 42.0, h, "配慮すべき心身の状況");
    let mind = opts_text(&[("0：なし", r.mind_body_attention == Some(false)), ("1：あり", r.mind_body_attention == Some(true))]);
    options_cell(&mut s, LEFT + 42.0, y + h, 78.0, h, &mind, Mark::Circle);
    y += 2.0 * h;

    s.label(LEFT, y, 22.0, 3.0 * h, "判定区分");
    for (row, (name, items)) in [
        ("診断区分", opts_one::<Diagnosis>(r.diagnosis)),
        ("就業区分", opts_one::<WorkClass>(r.work_class)),
        ("指導区分", opts_one::<GuidanceClass>(r.guidance)),
    ]
    .into_iter()
    .enumerate()
    {
        let ry = y + row as f32 * h;
        s.label(LEFT + 22.0, ry, 20.0, h, name);
        options_cell(&mut s, LEFT + 42.0, ry, 78.0, h, &items, Mark::Circle);
    }
    s.label(LEFT + 120.0, y, 60.0, h, "事後措置として指導勧告の必要性");
    let need = opts_text(&[("0：不要", r.recommendation_needed == Some(false)), ("1：要", r.recommendation_needed == Some(true))]);
    options_cell(&mut s, LEFT + 120.0, y + h, 60.0, h, &need, Mark::Circle);
    let where_ = opts_text(&[("：必要事項", r.necessary_items), ("：下記意見書に記入", r.recommendation_needed == Some(true))]);
    options_cell(&mut s, LEFT + 120.0, y + 2.0 * h, 60.0, h, &where_, Mark::Box);
    y += 3.0 * h + 2.0;
    y = signature(&mut s, input, y, &SignDates::of(i, "実施日", false)) + 3.0;

    // ── 事後措置に係る意見書 ──
    y = section(&mut s, y, "事後措置に係る意見書");
    let x0 = LEFT + 16.0;
    let (lw, cw) = (24.0, WIDTH - 16.0 - 24.0);
    let hours_h = 24.0;
    let other_h = 33.0;
    let period_h = 9.0;
    s.label(LEFT, y, 16.0, hours_h + other_h + period_h, "就業上の\n措置");

    // 労働時間の短縮
    s.label(x0, y, lw, hours_h, "労働時間の短縮");
    s.cell(x0 + lw, y, cw, hours_h);
    let has = |f: fn(&HoursMeasure) -> bool| o.hours_measures.iter().any(f);
    let limit = o.hours_measures.iter().find_map(|m| if let HoursMeasure::OvertimeLimit { hours_per_month } = m { Some(*hours_per_month) } else { None });
    let span = o.hours_measures.iter().find_map(|m| if let HoursMeasure::WorkingHours { from, to } = m { Some((*from, *to)) } else { None });
    let other_text = o.hours_measures.iter().find_map(|m| if let HoursMeasure::Other { text } = m { Some(text.clone()) } else { None });
    let col2 = x0 + lw + 82.0;
    let lines_y = [y + 5.5, y + 11.5, y + 17.5];
    let opt = |s: &mut Sheet, x: f32, by: f32, text: String, selected: bool| {
        s.options(x, by, 80.0, &[Opt { text, selected }], Mark::Circle, LABEL);
    };
    opt(&mut s, x0 + lw + 3.0, lines_y[0], "0：特に指示なし".into(), has(|m| matches!(m, HoursMeasure::NoInstruction)));
    opt(&mut s, x0 + lw + 3.0, lines_y[1], "1：時間外労働の制限".into(), limit.is_some());
    let limit_text = limit.flatten().map(|h| hours(Some(h))).unwrap_or_else(|| "　　".into());
    s.text(x0 + lw + 38.0, lines_y[1], LABEL, &format!("{limit_text}時間/月まで"));
    opt(&mut s, x0 + lw + 3.0, lines_y[2], "2：就業時間を制限".into(), span.is_some());
    let (from, to) = span.unwrap_or((None, None));
    let span_text = if span.is_some() { format!("{} ～ {}", hm(from), hm(to)) } else { "　時　分 ～ 　時　分".into() };
    s.text(x0 + lw + 35.0, lines_y[2], LABEL, &span_text);
    opt(&mut s, col2, lines_y[0], "3：就業の禁止（休暇・休養の指示）".into(), has(|m| matches!(m, HoursMeasure::NoWork)));
    opt(&mut s, col2, lines_y[1], "4：その他".into(), other_text.is_some());
    s.value_in(col2 + 16.0, lines_y[1] - 4.5, x0 + lw + cw - col2 - 16.0, 12.0, "労働時間の短縮（その他）", &other_text.unwrap_or_default());
    y += hours_h;

    // 労働時間以外の項目
    s.label(x0, y, lw, other_h, "労働時間以外の\n項目\n（具体的に\n記述）");
    s.cell(x0 + lw, y, cw, other_h);
    s.text(x0 + lw + 2.0, y + 5.0, LABEL, "主要項目");
    s.options(x0 + lw + 17.0, y + 5.0, cw - 19.0, &opts::<OtherMeasure>(&o.other_measures), Mark::Circle, LABEL);
    for n in 0..3 {
        let ly = y + 11.5 + n as f32 * 7.0;
        s.line(x0 + lw + 2.0, ly + 6.5, x0 + lw + cw - 2.0, ly + 6.5, THIN * 0.6);
        s.text(x0 + lw + 2.0, ly + 5.0, LABEL, &format!("{})", n + 1));
        let text = o.measure_lines.get(n).cloned().unwrap_or_default();
        s.value_in(x0 + lw + 7.0, ly, cw - 9.0, 7.0, &format!("労働時間以外の項目 {})", n + 1), &text);
    }
    y += other_h;

    // 措置期間
    s.label(x0, y, lw, period_h, "措置期間");
    s.cell(x0 + lw, y, cw, period_h);
    let amount = o.period_amount.map(|a| a.to_string()).unwrap_or_else(|| "　".into());
    let by = y + 5.7;
    let aw = s.text(x0 + lw + 4.0, by, VALUE, &amount);
    period_units(&mut s, x0 + lw + 6.0 + aw, by, o.period_unit);
    s.text(x0 + lw + 40.0, by, LABEL, &format!("（次回面接予定日　{}）", wareki(o.next_interview_on)));
    y += period_h;

    s.label(LEFT, y, 40.0, 12.0, "医療機関への受診配慮等");
    s.text_area(LEFT + 40.0, y, WIDTH - 40.0, 12.0, "医療機関への受診配慮等", &o.medical_consideration);
    y += 12.0;
    s.label(LEFT, y, 40.0, 14.0, "連絡事項等");
    s.text_area(LEFT + 40.0, y, WIDTH - 40.0, 14.0, "連絡事項等", &o.remarks);
    y += 16.0;
    y = signature(&mut s, input, y, &SignDates::of(i, "実施日", true)) + 3.0;

    // The employer's sign-off.
    let titles = ["事業所長", "人事", "部長", "課長"];
    let bw = 21.0;
    let bx = RIGHT - bw * titles.len() as f32;
    for (n, t) in titles.iter().enumerate() {
        let x = bx + bw * n as f32;
        s.label(x, y, bw, 6.0, t);
        s.cell(x, y + 6.0, bw, 17.0);
    }
    s.text(LEFT, y + 4.5, SMALL, "（事業者確認欄）");
    Ok(s)
}
