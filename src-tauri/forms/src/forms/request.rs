//! 様式例2-1 医師による面接指導申出書: the worker's request for an interview, laid out like the
//! 様式 of seed 002 on one A4 page.
//!
//! 申出日, 事業者 殿, 所属 and 氏名, the declaration, and 記: 1 面接指導の区分, 2 面接指導を受ける医師,
//! 3 面接指導を受けるに当たり配慮を求める事項. The 区分 follows current law: over 80 hours a month
//! (April 2019; the 2011 様式 says 100), and, for the 地域窓口's high-stress interviews, a third
//! option for 法66条の10.

use crate::domain::{Code, DoctorChoice, Interview, InterviewKind};
use crate::error::Result;

use super::canvas::centered_baseline;
use super::fonts::FontSet;
use super::input::{wareki, FormInput};
use super::sheet::{Mark, Opt, Sheet, LEFT, RIGHT, SMALL, THIN, VALUE, WIDTH};
use super::work_status::free_text;

pub const FORM_NO: &str = "様式例2-1";
pub const TITLE: &str = "医師による面接指導申出書";
const DECLARATION: &str = "私は労働安全衛生法に定める医師による面接指導の対象となる者として、下記のとおり面接指導を受けることを希望します。";

/// The 区分 as the form prints them: (the kind, the option, the provisions).
const KINDS: [(InterviewKind, &str, &str); 3] = [
    (InterviewKind::LongHours, "1月あたり80時間を超える時間外・休日労働", "（労働安全衛生法第66条の8第1項、労働安全衛生規則第52条の2第1項）"),
    (InterviewKind::OtherLongHours, "上記以外の長時間労働等", "（労働安全衛生法第66条の9、労働安全衛生規則第52条の8第2項）"),
    (InterviewKind::HighStress, "心理的な負担の程度を把握するための検査の結果に基づく面接指導", "（労働安全衛生法第66条の10第3項）"),
];

/// Every value the form prints that comes from a person (for the glyph check and the tests).
pub fn fields(input: &FormInput, i: &Interview) -> Vec<(String, String)> {
    let wk = input.snapshot.worker.clone().unwrap_or_default();
    vec![
        ("事業者（事業場名）".into(), input.workplace_name()),
        ("所属".into(), [wk.department, wk.position].join(" ").trim().to_string()),
        ("氏名".into(), wk.name),
        ("面接指導を受けるに当たり配慮を求める事項".into(), i.request.considerations.clone()),
    ]
}

/// The subject line repeated on continuation pages.
fn subject_line(input: &FormInput, i: &Interview) -> String {
    format!("申出者 {}　事業場 {}　申出日 {}", input.worker_name(), input.workplace_name(), wareki(i.request.requested_on))
}

/// One ticked or unticked option at (x, baseline y).
fn tick(s: &mut Sheet, x: f32, y: f32, text: &str, selected: bool) {
    s.options(x, y, 200.0, &[Opt { text: text.into(), selected }], Mark::Box, VALUE);
}

pub fn render(input: &FormInput, i: &Interview, fonts: FontSet) -> Result<Vec<u8>> {
    draw(input, i, fonts)?.finish()
}

/// The sheet drawn, before [`Sheet::finish`]: for the clearance check.
pub fn draw(input: &FormInput, i: &Interview, fonts: FontSet) -> Result<Sheet> {
    let mut s = Sheet::new(fonts, input.header(FORM_NO, TITLE, subject_line(input, i)));
    let wk = input.snapshot.worker.clone().unwrap_or_default();

    let tw = s.width(16.0, TITLE);
    s.text(LEFT + (WIDTH - tw) / 2.0, 30.0, 16.0, TITLE);

    // 申出日
    let date = i.request.requested_on.map(|d| d.wareki()).unwrap_or_else(|| "令和　　年　　月　　日".into());
    s.text_right(LEFT, 44.0, WIDTH, VALUE + 0.5, &date);

    // 事業者 殿
    let y = 50.0;
    let name = input.workplace_name();
    let name = if name.trim().is_empty() { "事業者".to_string() } else { name };
    // 殿 follows the name; a long name shrinks in its box (never below 7pt) and 殿 stays outside it.
    let box_w = 96.0;
    s.value_in(LEFT, y, box_w, 9.0, "事業者（事業場名）", &name);
    let dono_x = (LEFT + 1.5 + s.width(VALUE, &name) + 5.0).min(LEFT + box_w + 1.0);
    let end = s.text(dono_x, centered_baseline(y, 9.0, VALUE + 0.5), VALUE + 0.5, "殿");
    s.line(LEFT, y + 9.0, (dono_x + end + 4.0).max(LEFT + 80.0), y + 9.0, THIN);

    // 所属・氏名
    let (lx, vx) = (RIGHT - 95.0, RIGHT - 82.0);
    for (n, (label, value)) in
        [("所属", [wk.department.as_str(), wk.position.as_str()].join(" ").trim().to_string()), ("氏名", wk.name.clone())].into_iter().enumerate()
    {
        let ry = 64.0 + n as f32 * 11.0;
        s.text(lx, centered_baseline(ry, 9.0, VALUE), VALUE, label);
        s.value_in(vx, ry, RIGHT - vx, 9.0, label, &value);
        s.line(lx, ry + 9.0, RIGHT, ry + 9.0, THIN);
    }

    // The declaration, indented by one full-width space as a paragraph.
    let measure = |t: &str| s.width(VALUE + 0.5, t);
    let lines = super::wrap::wrap(&format!("　{DECLARATION}"), WIDTH, &measure);
    let mut by = 98.0;
    for line in lines {
        s.text(LEFT, by, VALUE + 0.5, &line);
        by += 6.0;
    }
    let kw = s.width(VALUE + 1.0, "記");
    s.text(LEFT + (WIDTH - kw) / 2.0, by + 6.0, VALUE + 1.0, "記");

    // ── 記 ──
    let lw = 44.0;
    let ox = LEFT + lw;
    let ow = WIDTH - lw;
    let mut y = by + 11.0;

    // 1 面接指導の区分
    let pitch = 10.5;
    let kh = KINDS.len() as f32 * pitch + 3.0;
    s.label(LEFT, y, lw, kh, "1　面接指導の区分\n（いずれかにチェック）");
    s.cell(ox, y, ow, kh);
    for (n, (kind, text, law)) in KINDS.iter().enumerate() {
        let top = y + 2.0 + n as f32 * pitch;
        tick(&mut s, ox + 3.0, top + 4.2, &format!("：{text}"), i.kind == Some(*kind));
        s.text(ox + 8.0, top + 8.6, SMALL, law);
    }
    y += kh;

    // 2 面接指導を受ける医師
    let dh = 12.0;
    s.label(LEFT, y, lw, dh, "2　面接指導を受ける医師\n（いずれかにチェック）");
    s.cell(ox, y, ow, dh);
    let base = centered_baseline(y, dh, VALUE);
    for (n, c) in DoctorChoice::ALL.iter().enumerate() {
        tick(&mut s, ox + 3.0 + n as f32 * 68.0, base, &format!("：{}", c.label()), i.request.doctor_choice == Some(*c));
    }
    y += dh;

    // 3 面接指導を受けるに当たり配慮を求める事項
    let ch = 262.0 - y;
    s.label(LEFT, y, lw, ch, "3　面接指導を受けるに当たり配慮を求める事項");
    free_text(&mut s, ox, y, ow, ch, "面接指導を受けるに当たり配慮を求める事項", &i.request.considerations);

    // Who sends the request on (seed 002, 別添2 §2(3)).
    s.text(
        LEFT,
        267.0,
        SMALL,
        "（注）事業者は、この申出書の写しを勤務状況情報書（様式例2-2）とともに、事前に又は本人を通じて面接指導を行う医師に提出してください。",
    );
    Ok(s)
}
