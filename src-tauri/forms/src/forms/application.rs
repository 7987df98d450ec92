//! 様式例1-1 特定健康相談・面接指導利用申込書 (seed 002, 別添1 §2(1) and 別添2 §2(1)).
//!
//! The seed names the form but gives no layout; this one follows what §2(1) asks the applicant to
//! give ("希望する特定健康相談の内容、実施時期、人数等"): the addressee (the centre), the date, the
//! workplace (名称, 所在地, 業種, 労働者数), the person applying and how to reach them, the services
//! wanted (all five, ticked), two preferred dates, the number of people, and a summary of what they
//! want to discuss, with a warning to keep health information off the paper. At the bottom, the
//! centre's own box: the doctor assigned, the place, the date fixed, and remarks.

use crate::domain::{Application, Code, Date, Place, PreferredSlot, Service, TimeOfDay};
use crate::error::Result;

use super::canvas::centered_baseline;
use super::fonts::FontSet;
use super::input::{hm, wareki, wareki_weekday, FormInput};
use super::opinion::section;
use super::sheet::{opts, opts_one, Mark, Sheet, LEFT, RIGHT, SMALL, THIN, VALUE, WIDTH};

pub const FORM_NO: &str = "様式例1-1";
pub const TITLE: &str = "特定健康相談・面接指導利用申込書";
pub const PRIVACY_NOTE: &str = "※ 健康情報は記入しないでください（個人の健康状態は相談の場でお聞きします）";

const DATE_BLANK: &str = "令和　　年　　月　　日";
const DATE_WEEKDAY_BLANK: &str = "令和　　年　　月　　日（　）";
const TIME_BLANK: &str = "　　時　　分";

/// The main label column, the sub-label column, and where the values start.
const C1: f32 = 22.0;
const C2: f32 = 22.0;
const VX: f32 = LEFT + C1 + C2;
const VW: f32 = WIDTH - C1 - C2;

/// The values of the form, with the workplace's own contact details standing in for what the
/// application leaves blank (an application taken by phone often names only the workplace).
struct Contact {
    title: String,
    name: String,
    phone: String,
    fax: String,
    email: String,
}

fn contact(input: &FormInput, a: &Application) -> Contact {
    let wp = input.snapshot.workplace.clone().unwrap_or_default();
    let pick = |own: &str, fallback: String| if own.trim().is_empty() { fallback } else { own.to_string() };
    // The workplace's 担当者 stands in only when the application names nobody at all.
    let (title, name) = if a.applicant_name.trim().is_empty() && a.applicant_title.trim().is_empty() {
        (wp.contact_title, wp.contact_name)
    } else {
        (a.applicant_title.clone(), a.applicant_name.clone())
    };
    Contact { title, name, phone: pick(&a.phone, wp.phone), fax: pick(&a.fax, wp.fax), email: pick(&a.email, wp.email) }
}

/// Every value the form prints that comes from a person (for the glyph check and the tests).
pub fn fields(input: &FormInput, a: &Application) -> Vec<(String, String)> {
    let wp = input.snapshot.workplace.clone().unwrap_or_default();
    let c = contact(input, a);
    vec![
        ("センター名".into(), input.centre_name.clone()),
        ("事業場の名称".into(), wp.name),
        ("所在地".into(), wp.address),
        ("申込担当者（職）".into(), c.title),
        ("申込担当者（氏名）".into(), c.name),
        ("電話".into(), c.phone),
        ("FAX".into(), c.fax),
        ("メール".into(), c.email),
        ("相談したい内容の概要".into(), a.summary.clone()),
        ("担当医師等".into(), input.doctor_name()),
        ("実施場所（名称）".into(), a.place_name.clone()),
        ("備考".into(), a.notes.clone()),
    ]
}

/// The subject line repeated on continuation pages.
fn subject_line(input: &FormInput, a: &Application) -> String {
    format!("事業場 {}　申込日 {}", input.workplace_name(), wareki(a.received_on))
}

fn or_blank(s: String, blank: &str) -> String {
    if s.is_empty() {
        blank.to_string()
    } else {
        s
    }
}

/// `令和7年6月20日（金）　14時00分 ～ 16時00分`, with the blank template for what is missing.
fn slot_text(on: Option<Date>, from: Option<TimeOfDay>, to: Option<TimeOfDay>) -> String {
    format!("{}　{} ～ {}", or_blank(wareki_weekday(on), DATE_WEEKDAY_BLANK), or_blank(hm(from), TIME_BLANK), or_blank(hm(to), TIME_BLANK))
}

pub fn render(input: &FormInput, a: &Application, fonts: FontSet) -> Result<Vec<u8>> {
    draw(input, a, fonts)?.finish()
}

/// The sheet drawn, before [`Sheet::finish`]: for the clearance check.
pub fn draw(input: &FormInput, a: &Application, fonts: FontSet) -> Result<Sheet> {
    let mut s = Sheet::new(fonts, input.header(FORM_NO, TITLE, subject_line(input, a)));
    let wp = input.snapshot.workplace.clone().unwrap_or_default();
    let c = contact(input, a);

    s.title(19.0, TITLE);
    let date = format!("申込日　{}", or_blank(wareki(a.received_on), DATE_BLANK));
    s.text_right(LEFT, 29.0, WIDTH, VALUE, &date);
    let centre = if input.centre_name.trim().is_empty() { "地域産業保健センター".to_string() } else { input.centre_name.clone() };
    let cw = s.text(LEFT, 36.0, VALUE + 1.5, &centre);
    s.text(LEFT + cw + 3.0, 36.0, VALUE + 1.5, "殿");
    s.line(LEFT, 37.5, LEFT + cw + 3.0 + s.width(VALUE + 1.5, "殿"), 37.5, THIN);
    s.text(LEFT, 45.0, VALUE, "下記のとおり、特定健康相談・面接指導の利用を申し込みます。");

    // ── 申込者 ──
    let mut y = section(&mut s, 49.0, "申込者");
    let h = 9.0;
    let hs = 8.0;
    s.label(LEFT, y, C1, 2.0 * h + 2.0 * hs, "事業場");
    s.label(LEFT + C1, y, C2, h, "名称");
    s.value(VX, y, VW, h, "事業場の名称", &wp.name);
    y += h;
    s.label(LEFT + C1, y, C2, h, "所在地");
    s.value(VX, y, VW, h, "所在地", &wp.address);
    y += h;
    s.label(LEFT + C1, y, C2, hs, "業種");
    let industry = wp.industry.map(|i| format!("{}　{}", i.mark(), i.label())).unwrap_or_default();
    s.value(VX, y, VW, hs, "業種", &industry);
    y += hs;
    s.label(LEFT + C1, y, C2, hs, "労働者数");
    let n = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_else(|| "　　".into());
    let staff = format!("男　{}人　　　女　{}人　　　計　{}人", n(wp.workers_male), n(wp.workers_female), n(wp.total_workers()));
    s.value(VX, y, VW, hs, "労働者数", &staff);
    y += hs;

    s.label(LEFT, y, C1, h, "申込担当者");
    s.label(LEFT + C1, y, C2, h, "職");
    let tw = 46.0;
    s.value(VX, y, tw, h, "申込担当者（職）", &c.title);
    s.label(VX + tw, y, C2, h, "氏名");
    s.value(VX + tw + C2, y, VW - tw - C2, h, "申込担当者（氏名）", &c.name);
    y += h;

    s.label(LEFT, y, C1, 2.0 * hs, "連絡先");
    s.label(LEFT + C1, y, C2, hs, "電話");
    s.value(VX, y, tw, hs, "電話", &c.phone);
    s.label(VX + tw, y, C2, hs, "FAX");
    s.value(VX + tw + C2, y, VW - tw - C2, hs, "FAX", &c.fax);
    y += hs;
    s.label(LEFT + C1, y, C2, hs, "メール");
    s.value(VX, y, VW, hs, "メール", &c.email);
    y += hs + 3.0;

    // ── 申込内容 ──
    y = section(&mut s, y, "申込内容");
    let services_h = 32.0;
    s.label(LEFT, y, C1 + C2, services_h, "希望する相談の種類\n（複数選択可）");
    s.cell(VX, y, VW, services_h);
    for (row, opt) in opts::<Service>(&a.services).into_iter().enumerate() {
        s.options(VX + 3.0, y + 6.5 + row as f32 * 6.0, VW - 6.0, &[opt], Mark::Box, VALUE);
    }
    y += services_h;

    s.label(LEFT, y, C1, 2.0 * h, "希望日時");
    for (n, name) in ["第1希望", "第2希望"].iter().enumerate() {
        let slot = a.preferred.get(n).cloned().unwrap_or_default();
        let PreferredSlot { date, from, to } = slot;
        s.label(LEFT + C1, y, C2, h, name);
        s.value(VX, y, VW, h, name, &slot_text(date, from, to));
        y += h;
    }

    s.label(LEFT, y, C1 + C2, h, "人数");
    s.cell(VX, y, VW, h);
    let count = a.headcount.map(|n| n.to_string()).unwrap_or_default();
    let base = y + h / 2.0 + 1.3;
    s.text_right(VX, base, 14.0, VALUE, &count);
    s.text(VX + 16.0, base, VALUE, "名");
    y += h;

    let note_h = 6.0;
    let summary_h = 31.0;
    s.label(LEFT, y, C1 + C2, note_h + summary_h, "相談したい内容の概要");
    s.cell(VX, y, VW, note_h);
    s.text(VX + 2.0, y + note_h / 2.0 + 1.1, SMALL, PRIVACY_NOTE);
    s.text_area(VX, y + note_h, VW, summary_h, "相談したい内容の概要", &a.summary);
    y += note_h + summary_h + 5.0;

    // ── センター記入欄 ──
    let top = y;
    y = section(&mut s, y, "センター記入欄（申込者は記入しないでください）");
    s.label(LEFT, y, C1 + C2, h, "担当医師等");
    s.value(VX, y, VW, h, "担当医師等", &input.doctor_name());
    y += h;
    s.label(LEFT, y, C1, 2.0 * h, "実施場所");
    s.label(LEFT + C1, y, C2, h, "区分");
    s.cell(VX, y, VW, h);
    s.options(VX + 4.0, centered_baseline(y, h, VALUE), VW - 6.0, &opts_one::<Place>(a.place), Mark::Circle, VALUE);
    y += h;
    s.label(LEFT + C1, y, C2, h, "名称");
    s.value(VX, y, VW, h, "実施場所（名称）", &a.place_name);
    y += h;
    s.label(LEFT, y, C1 + C2, h, "決定日時");
    s.value(VX, y, VW, h, "決定日時", &slot_text(a.appointment_on, a.appointment_from, a.appointment_to));
    y += h;
    let notes_h = 14.0;
    s.label(LEFT, y, C1 + C2, notes_h, "備考");
    s.text_area(VX, y, VW, notes_h, "備考", &a.notes);
    y += notes_h;
    s.frame(LEFT, top, RIGHT - LEFT, y - top);
    Ok(s)
}
