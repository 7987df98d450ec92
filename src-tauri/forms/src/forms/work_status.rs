//! 様式例2-2 長時間労働者への面接指導 勤務状況情報書: the employer's statement of the worker's
//! hours and duties, laid out like the 様式 of seed 002.
//!
//! 面接指導対象者 (氏名, 性別, 年齢, 事業場名, 所在地, 電話, 所属, 役職), 区分, 過去の面接指導,
//! 前1ヶ月間について (期間, 総労働時間, 時間外・休日労働時間, 通勤時間, 業務内容) and 本情報書作成者.
//! Hours that were not entered but follow from the other figure and the period are printed and
//! marked （算出）. When earlier months are known, their 2–6 month averages are shown as a note.
//! Without 勤務状況 the form prints blank, ready to hand to the employer.

use crate::domain::hours::{any_average_over_80, averages};
use crate::domain::{Code, Interview, Sex, WorkStatus, WorkStatusCategory};
use crate::error::Result;

use super::canvas::centered_baseline;
use super::fonts::FontSet;
use super::input::{hours, wareki, FormInput};
use super::opinion::section;
use super::sheet::{opts_text, Mark, Opt, Sheet, LABEL, LEFT, RIGHT, SMALL, VALUE, WIDTH};

pub const FORM_NO: &str = "様式例2-2";
pub const TITLE: &str = "長時間労働者への面接指導 勤務状況情報書";
const COMPUTED: &str = "（算出）";
const BLANK_DATE: &str = "令和　　年　　月　　日";

/// Every value the form prints that comes from a person (for the glyph check and the tests).
pub fn fields(input: &FormInput, i: &Interview) -> Vec<(String, String)> {
    let wp = input.snapshot.workplace.clone().unwrap_or_default();
    let wk = input.snapshot.worker.clone().unwrap_or_default();
    let ws = i.work_status.clone().unwrap_or_default();
    vec![
        ("面接指導対象者 氏名".into(), wk.name),
        ("事業場名".into(), wp.name),
        ("所在地".into(), wp.address),
        ("電話".into(), wp.phone),
        ("所属".into(), wk.department),
        ("役職".into(), wk.position),
        ("業務内容".into(), ws.duties),
        ("本情報書作成者 氏名".into(), ws.prepared_by.name),
        ("本情報書作成者 事業場名".into(), ws.prepared_by.workplace),
        ("本情報書作成者 連絡先".into(), ws.prepared_by.contact),
    ]
}

/// The subject line repeated on continuation pages.
fn subject_line(input: &FormInput, ws: &WorkStatus) -> String {
    format!("対象者 {}　事業場 {}　期間 {} ～ {}", input.worker_name(), input.workplace_name(), wareki(ws.period_from), wareki(ws.period_to))
}

/// `1時間15分`, or blank boxes to write in.
fn commute(minutes: Option<u32>) -> String {
    match minutes {
        Some(m) => format!("{}時間{:02}分", m / 60, m % 60),
        None => "　　時間　　分".into(),
    }
}

/// Text centred horizontally between `x` and `x + w`.
fn centered(s: &mut Sheet, x: f32, w: f32, y: f32, size: f32, text: &str) {
    let tw = s.width(size, text);
    s.text(x + (w - tw) / 2.0, y, size, text);
}

/// Free text in a ruled box with a little more room round it than [`Sheet::text_area`], and
/// top-aligned even when it is one line (the Sheet centres a single line, which suits short boxes).
pub(crate) fn free_text(s: &mut Sheet, x: f32, y: f32, w: f32, h: f32, field: &str, text: &str) {
    s.cell(x, y, w, h);
    let (x, y, w, h) = (x + 0.5, y + 1.0, w - 1.0, h - 1.5);
    // The Sheet's inner width is the box less 1.5 mm each side.
    let one_line = !text.trim().is_empty() && !text.contains('\n') && s.width(VALUE, text) <= w - 3.0;
    let text = if one_line { format!("{text}\n") } else { text.to_string() };
    s.text_area_in(x, y, w, h, field, &text);
}

/// One ticked or unticked option at (x, baseline y).
fn tick(s: &mut Sheet, x: f32, y: f32, text: &str, selected: bool) -> f32 {
    s.options(x, y, 200.0, &[Opt { text: text.into(), selected }], Mark::Box, LABEL);
    x + s.width(LABEL, &format!("□{text}"))
}

/// An hours cell: the number right-aligned, the unit, and （算出） when it was computed.
fn hours_cell(s: &mut Sheet, x: f32, y: f32, w: f32, h: f32, value: Option<f64>, computed: bool) {
    s.cell(x, y, w, h);
    let base = centered_baseline(y, h, VALUE);
    s.text_right(x, base, 28.0, VALUE, &hours(value));
    let uw = s.text(x + 30.0, base, LABEL, "時間／月");
    if computed && value.is_some() {
        s.text(x + 31.0 + uw, base, SMALL, COMPUTED);
    }
}

pub fn render(input: &FormInput, i: &Interview, fonts: FontSet) -> Result<Vec<u8>> {
    draw(input, i, fonts)?.finish()
}

/// The sheet drawn, before [`Sheet::finish`]: for the clearance check.
pub fn draw(input: &FormInput, i: &Interview, fonts: FontSet) -> Result<Sheet> {
    let ws = i.work_status.clone().unwrap_or_default();
    let mut s = Sheet::new(fonts, input.header(FORM_NO, TITLE, subject_line(input, &ws)));
    let wp = input.snapshot.workplace.clone().unwrap_or_default();
    let wk = input.snapshot.worker.clone().unwrap_or_default();

    centered(&mut s, LEFT, WIDTH, 20.0, 11.0, "長時間労働者への面接指導");
    centered(&mut s, LEFT, WIDTH, 29.0, 16.0, "勤 務 状 況 情 報 書");

    // The date the centre received it (or the worker's request), when known.
    let dated = match (i.received_on, i.request.requested_on) {
        (Some(d), _) => format!("受付日　{}", wareki(Some(d))),
        (None, Some(d)) => format!("申出日　{}", wareki(Some(d))),
        (None, None) => String::new(),
    };
    if !dated.is_empty() {
        s.text_right(LEFT, 36.0, WIDTH, LABEL, &dated);
    }

    // ── 面接指導対象者 ──
    let h = 9.0;
    let (c1, c2, c3) = (LEFT + 30.0, LEFT + 122.0, LEFT + 138.0);
    let (v1w, v3w) = (c2 - c1, RIGHT - c3);
    let mut y = 39.0;
    s.label(LEFT, y, 30.0, 2.0 * h, "面接指導対象者\n氏名");
    s.value(c1, y, v1w, 2.0 * h, "面接指導対象者 氏名", &wk.name);
    s.label(c2, y, 16.0, h, "性別");
    s.cell(c3, y, v3w, h);
    let sex = opts_text(&[("男", wk.sex == Some(Sex::Male)), ("・", false), ("女", wk.sex == Some(Sex::Female))]);
    s.options(c3 + 12.0, centered_baseline(y, h, VALUE), 30.0, &sex, Mark::Circle, VALUE);
    s.label(c2, y + h, 16.0, h, "年齢");
    s.cell(c3, y + h, v3w, h);
    let age = input.age_at(ws.period_to.or(i.performed_on).or(i.received_on));
    let base = centered_baseline(y + h, h, VALUE);
    s.text_right(c3, base, 24.0, VALUE, &age);
    s.text(c3 + 26.0, base, LABEL, "歳");
    y += 2.0 * h;
    s.label(LEFT, y, 30.0, h, "事業場名");
    s.value(c1, y, RIGHT - c1, h, "事業場名", &wp.name);
    y += h;
    s.label(LEFT, y, 30.0, h, "所在地");
    s.value(c1, y, v1w, h, "所在地", &wp.address);
    s.label(c2, y, 16.0, h, "電話");
    s.value(c3, y, v3w, h, "電話", &wp.phone);
    y += h;
    s.label(LEFT, y, 30.0, h, "所属");
    s.value(c1, y, v1w, h, "所属", &wk.department);
    s.label(c2, y, 16.0, h, "役職");
    s.value(c3, y, v3w, h, "役職", &wk.position);
    y += h + 3.0;

    // ── 区分・過去の面接指導 ──
    // One column, in the 様式's order 1–6 (read down, as on the paper).
    let rows = WorkStatusCategory::ALL.len();
    let pitch = 5.2;
    let kh = rows as f32 * pitch + 3.0;
    s.label(LEFT, y, 30.0, kh, "区分");
    s.cell(c1, y, RIGHT - c1, kh);
    for (n, c) in WorkStatusCategory::ALL.iter().enumerate() {
        let x = c1 + 3.0;
        let by = y + 1.5 + n as f32 * pitch + centered_baseline(0.0, pitch, LABEL);
        tick(&mut s, x, by, &format!("：{}", c.label()), ws.printed_categories().contains(c));
    }
    y += kh;
    s.label(LEFT, y, 30.0, h, "過去の面接指導");
    s.cell(c1, y, RIGHT - c1, h);
    let by = centered_baseline(y, h, LABEL);
    tick(&mut s, c1 + 3.0, by, "：なし", ws.past_interview == Some(false));
    let x = tick(&mut s, c1 + 25.0, by, "：あり", ws.past_interview == Some(true));
    let month = ws.past_interview_month.map(|m| m.wareki()).unwrap_or_else(|| "令和　　年　　月".into());
    s.text(x + 3.0, by, LABEL, &format!("（直近の年月　{month}）"));
    y += h + 3.0;

    // ── 前1ヶ月間について ──
    y = section(&mut s, y, "前1ヶ月間について");
    let lw = 40.0;
    let vx = LEFT + lw;
    let vw = WIDTH - lw;
    s.label(LEFT, y, lw, h, "期間");
    s.cell(vx, y, vw, h);
    let base = centered_baseline(y, h, VALUE);
    let from = if ws.period_from.is_some() { wareki(ws.period_from) } else { BLANK_DATE.into() };
    let to = if ws.period_to.is_some() { wareki(ws.period_to) } else { BLANK_DATE.into() };
    let pw = s.text(vx + 3.0, base, VALUE, &format!("{from} ～ {to}"));
    if let Some(days) = ws.period_days() {
        s.text(vx + 5.0 + pw, base, LABEL, &format!("（{days}日間）"));
    }
    y += h;

    let total = ws.effective_total();
    let total_computed = ws.total_hours.is_none();
    let overtime = ws.effective_overtime();
    let overtime_computed = ws.overtime_hours.is_none();
    s.label(LEFT, y, lw, h, "総労働時間（実績）");
    hours_cell(&mut s, vx, y, vw, h, total, total_computed);
    y += h;
    s.label(LEFT, y, lw, h, "時間外・休日労働時間");
    hours_cell(&mut s, vx, y, vw, h, overtime, overtime_computed);
    y += h;

    // The 2–6 month averages, when earlier months are known.
    let series = ws.overtime_series();
    let avgs = averages(&series);
    if !avgs.is_empty() {
        s.label(LEFT, y, lw, h, "時間外・休日労働の\n複数月平均");
        s.cell(vx, y, vw, h);
        let list: Vec<String> = avgs.iter().map(|(n, a)| format!("{n}か月平均 {}時間", hours(Some(*a)))).collect();
        let months: Vec<String> = series.iter().map(|m| hours(Some(*m))).collect();
        let line1 = list.join("　");
        let line2 = format!("（各月の実績 新しい順：{} 時間）", months.join("・"));
        s.text(vx + 3.0, y + 3.9, LABEL, &line1);
        s.text(vx + 3.0, y + 7.3, SMALL, &line2);
        if any_average_over_80(&series) {
            s.text_right(vx, y + 3.9, vw - 2.0, SMALL, "※80時間を超える平均あり");
        }
        y += h;
    }

    s.label(LEFT, y, lw, h, "通勤時間（片道）");
    s.cell(vx, y, vw, h);
    s.text(vx + 3.0, centered_baseline(y, h, VALUE), VALUE, &commute(ws.commute_minutes));
    y += h;

    let notes_y = 244.0;
    let duties_h = notes_y - y;
    s.label(LEFT, y, lw, duties_h, "業務内容");
    free_text(&mut s, vx, y, vw, duties_h, "業務内容", &ws.duties);
    y += duties_h;
    if (total_computed && total.is_some()) || (overtime_computed && overtime.is_some()) {
        s.text(LEFT, y + 3.5, SMALL, "（算出）：入力のない方を期間の暦日数から算出した値です（時間外・休日労働時間 ＝ 総労働時間 － 暦日数 ÷ 7 × 40）。");
    }

    // ── 本情報書作成者 ──
    y = notes_y + 6.0;
    s.label(LEFT, y, 30.0, 3.0 * h, "本情報書作成者");
    let p = &ws.prepared_by;
    for (n, (label, value)) in [("氏名", &p.name), ("事業場名", &p.workplace), ("連絡先", &p.contact)].into_iter().enumerate() {
        let ry = y + n as f32 * h;
        s.label(c1, ry, 20.0, h, label);
        s.value(c1 + 20.0, ry, RIGHT - c1 - 20.0, h, &format!("本情報書作成者 {label}"), value);
    }
    Ok(s)
}
