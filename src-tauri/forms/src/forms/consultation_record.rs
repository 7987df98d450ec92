//! 様式例1-2 特定健康相談記録票 (seed 002, 別添1).
//!
//! The rows of the 様式, in its order: 実施日時 (with the day of the week), 実施場所, 相談対応者,
//! 事業場 (事業場名, 所在地, 担当者, 業種, 従業員数), 相談者 (区分, 職名・職務内容, 氏名, and for
//! 本人 the age and sex), 相談内容 (the three kinds circled, several allowed, with 対象者 名 for
//! 意見聴取; 相談・指導内容; 受診勧奨 有・無 for メンタルヘルス相談) and 備考.

use crate::domain::{Code, Consultation, ConsultationKind, Place, Requester, Sex};
use crate::error::Result;

use super::canvas::centered_baseline;
use super::fonts::FontSet;
use super::input::{hm, wareki, wareki_weekday, FormInput};
use super::sheet::{opts_text, Mark, Opt, Sheet, BOTTOM, LABEL, LEFT, SMALL, VALUE, WIDTH};

pub const FORM_NO: &str = "様式例1-2";
pub const TITLE: &str = "特定健康相談記録票";

/// Blank parts of a date or time print as the paper form's empty template.
const DATE_BLANK: &str = "令和　　年　　月　　日（　）";
const TIME_BLANK: &str = "　　時　　分";

/// The main label column, the sub-label column, and where the values start.
const C1: f32 = 22.0;
const C2: f32 = 28.0;
const VX: f32 = LEFT + C1 + C2;
const VW: f32 = WIDTH - C1 - C2;

/// The requester's name (相談者 氏名), as the 記録票 and the 1-3 台帳 both print it: the worker
/// on file when the requester is 本人, else the name typed in, else blank. The worker is not the
/// requester when an employer or someone else asked, so the worker's name is never put there.
pub fn requester_name_of(c: &Consultation, worker: Option<&crate::domain::Worker>) -> String {
    match (&c.requester, worker) {
        (Some(Requester::Worker), Some(w)) if !w.name.trim().is_empty() => w.name.clone(),
        _ => c.requester_name.trim().to_string(),
    }
}

fn requester_name(input: &FormInput, c: &Consultation) -> String {
    requester_name_of(c, input.snapshot.worker.as_ref())
}

/// 職名・職務内容: as typed, or for 本人 the worker's 所属 and 役職 on file.
fn requester_title(input: &FormInput, c: &Consultation) -> String {
    if !c.requester_title.trim().is_empty() {
        return c.requester_title.clone();
    }
    match (&c.requester, &input.snapshot.worker) {
        (Some(Requester::Worker), Some(w)) => [w.department.as_str(), w.position.as_str()].join(" ").trim().to_string(),
        _ => String::new(),
    }
}

/// Every value the form prints that comes from a person (for the glyph check and the tests).
pub fn fields(input: &FormInput, c: &Consultation) -> Vec<(String, String)> {
    let wp = input.snapshot.workplace.clone().unwrap_or_default();
    vec![
        ("実施場所（名称）".into(), c.place_name.clone()),
        ("担当産業医等氏名".into(), input.doctor_name()),
        ("事業場名".into(), wp.name),
        ("所在地".into(), wp.address),
        ("担当者（職氏名）".into(), contact(&wp.contact_title, &wp.contact_name)),
        ("担当者（電話）".into(), wp.phone),
        ("担当者（FAX）".into(), wp.fax),
        ("相談者の職名・職務内容".into(), requester_title(input, c)),
        ("相談者の氏名".into(), requester_name(input, c)),
        ("相談・指導内容".into(), c.content.clone()),
        ("備考".into(), c.notes.clone()),
    ]
}

fn contact(title: &str, name: &str) -> String {
    [title, name].iter().filter(|s| !s.trim().is_empty()).copied().collect::<Vec<_>>().join("　")
}

/// The subject line repeated on continuation pages (no health information).
fn subject_line(input: &FormInput, c: &Consultation) -> String {
    format!("事業場 {}　実施日 {}", input.workplace_name(), wareki(c.performed_on))
}

fn or_blank(s: String, blank: &str) -> String {
    if s.is_empty() {
        blank.to_string()
    } else {
        s
    }
}

/// The options of a code as `1　医療機関`, the chosen ones circled.
fn opts_spaced<C: Code>(all: &[C], chosen: impl Fn(C) -> bool) -> Vec<Opt> {
    all.iter().map(|k| Opt { text: format!("{}　{}", k.mark(), k.label()), selected: chosen(*k) }).collect()
}

/// A ruled cell with options at VALUE size in one row, centred vertically.
fn options_row(s: &mut Sheet, x: f32, y: f32, w: f32, h: f32, items: &[Opt]) {
    s.cell(x, y, w, h);
    s.options(x + 4.0, centered_baseline(y, h, VALUE), w - 6.0, items, Mark::Circle, VALUE);
}

/// A small caption (職氏名：, 電話：) followed by its value in the rest of `w`.
#[allow(clippy::too_many_arguments)]
fn captioned(s: &mut Sheet, x: f32, y: f32, w: f32, h: f32, caption: &str, field: &str, value: &str) {
    let base = centered_baseline(y, h, LABEL);
    let cw = s.text(x + 1.5, base, LABEL, caption) + 1.5;
    s.value_in(x + cw, y, w - cw, h, field, value);
}

pub fn render(input: &FormInput, c: &Consultation, fonts: FontSet) -> Result<Vec<u8>> {
    draw(input, c, fonts)?.finish()
}

/// The sheet drawn, before [`Sheet::finish`]: for the clearance check.
pub fn draw(input: &FormInput, c: &Consultation, fonts: FontSet) -> Result<Sheet> {
    let mut s = Sheet::new(fonts, input.header(FORM_NO, TITLE, subject_line(input, c)));
    let wp = input.snapshot.workplace.clone().unwrap_or_default();
    let is_worker = c.requester == Some(Requester::Worker);

    s.title(19.0, TITLE);
    let top = 26.0;
    let mut y = top;
    let h = 10.0;

    // 実施日時
    s.label(LEFT, y, C1 + C2, h, "実施日時");
    let when = format!(
        "{}　{} ～ {}",
        or_blank(wareki_weekday(c.performed_on), DATE_BLANK),
        or_blank(hm(c.start_time), TIME_BLANK),
        or_blank(hm(c.end_time), TIME_BLANK)
    );
    s.value(VX, y, VW, h, "実施日時", &when);
    y += h;

    // 実施場所: the kind circled, then the name.
    let hp = 9.0;
    s.label(LEFT, y, C1, 2.0 * hp, "実施場所");
    s.label(LEFT + C1, y, C2, hp, "区分");
    options_row(&mut s, VX, y, VW, hp, &opts_spaced(Place::ALL, |p| c.place == Some(p)));
    y += hp;
    s.label(LEFT + C1, y, C2, hp, "名称");
    s.value(VX, y, VW, hp, "実施場所（名称）", &c.place_name);
    y += hp;

    // 相談対応者
    s.label(LEFT, y, C1, h, "相談対応者");
    s.label(LEFT + C1, y, C2, h, "担当産業医等氏名");
    s.value(VX, y, VW, h, "担当産業医等氏名", &input.doctor_name());
    y += h;

    // 事業場
    let hs = 8.0;
    s.label(LEFT, y, C1, 3.0 * h + 2.0 * hs, "事業場");
    s.label(LEFT + C1, y, C2, h, "事業場名");
    s.value(VX, y, VW, h, "事業場名", &wp.name);
    y += h;
    s.label(LEFT + C1, y, C2, h, "所在地");
    s.value(VX, y, VW, h, "所在地", &wp.address);
    y += h;
    s.label(LEFT + C1, y, C2, h, "担当者");
    s.cell(VX, y, VW, h);
    // 職氏名 takes what the telephone and FAX numbers leave; each number keeps clear of the rules.
    let (w2, w3) = (38.0, 40.0);
    let w1 = VW - w2 - w3;
    captioned(&mut s, VX, y, w1, h, "職氏名：", "担当者（職氏名）", &contact(&wp.contact_title, &wp.contact_name));
    captioned(&mut s, VX + w1, y, w2, h, "電話：", "担当者（電話）", &wp.phone);
    captioned(&mut s, VX + w1 + w2, y, w3, h, "FAX：", "担当者（FAX）", &wp.fax);
    y += h;
    s.label(LEFT + C1, y, C2, hs, "業種");
    let industry = wp.industry.map(|i| format!("{}　{}", i.mark(), i.label())).unwrap_or_default();
    s.value(VX, y, VW, hs, "業種", &industry);
    y += hs;
    s.label(LEFT + C1, y, C2, hs, "従業員数");
    let n = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_else(|| "　　".into());
    let staff = format!("（男：{}人）　（女：{}人）　（計：{}人）", n(wp.workers_male), n(wp.workers_female), n(wp.total_workers()));
    s.value(VX, y, VW, hs, "従業員数", &staff);
    y += hs;

    // 相談者
    let hr = 9.0;
    s.label(LEFT, y, C1, 3.0 * hr, "相談者");
    options_row(&mut s, LEFT + C1, y, WIDTH - C1, hr, &opts_spaced(Requester::ALL, |r| c.requester == Some(r)));
    y += hr;
    s.label(LEFT + C1, y, C2, hr, "職名・職務内容");
    s.value(VX, y, VW, hr, "相談者の職名・職務内容", &requester_title(input, c));
    y += hr;
    s.label(LEFT + C1, y, C2, hr, "氏名");
    let nw = 52.0;
    s.value(VX, y, nw, hr, "相談者の氏名", &requester_name(input, c));
    let (lx, lw) = (VX + nw, 22.0);
    s.label(lx, y, lw, hr, "本人の場合");
    s.cell(lx + lw, y, VW - nw - lw, hr);
    let base = centered_baseline(y, hr, VALUE);
    let age = if is_worker { input.age_at(c.performed_on) } else { String::new() };
    let mut x = lx + lw + 2.5;
    x += s.text(x, base, LABEL, "年齢");
    s.text_right(x, base, 8.5, VALUE, &age);
    x += 9.5;
    x += s.text(x, base, LABEL, "歳") + 4.0;
    x += s.text(x, base, LABEL, "性別：") + 1.0;
    let sex = input.snapshot.worker.as_ref().and_then(|w| w.sex).filter(|_| is_worker);
    let sexes = opts_text(&[("男", sex == Some(Sex::Male)), ("・", false), ("女", sex == Some(Sex::Female))]);
    s.options(x, base, 24.0, &sexes, Mark::Circle, VALUE);
    y += hr;

    // 相談内容
    let kinds_h = 25.0;
    let referral_h = 9.0;
    let notes_h = 22.0;
    let content_h = BOTTOM - 2.0 - notes_h - referral_h - kinds_h - y;
    s.label(LEFT, y, C1, kinds_h + content_h + referral_h, "相談内容");
    s.cell(LEFT + C1, y, WIDTH - C1, kinds_h);
    s.text(LEFT + C1 + 2.0, y + 4.5, SMALL, "（該当事項に○）");
    for (row, k) in ConsultationKind::ALL.iter().enumerate() {
        let ky = y + 10.0 + row as f32 * 6.3;
        let text = format!("{}　{}", k.mark(), k.label());
        let kx = LEFT + C1 + 6.0;
        s.options(kx, ky, WIDTH - C1 - 8.0, &[Opt { text: text.clone(), selected: c.kinds.contains(k) }], Mark::Circle, VALUE);
        if *k == ConsultationKind::OpinionHearing {
            let count = c.subject_count.map(|n| n.to_string()).unwrap_or_else(|| "　　".into());
            let tx = kx + s.width(VALUE, &text) + 5.0;
            s.text(tx, ky, VALUE, &format!("（対象者　{count}名）"));
        }
    }
    y += kinds_h;
    s.label(LEFT + C1, y, C2, content_h, "相談・指導内容");
    s.text_area(VX, y, VW, content_h, "相談・指導内容", &c.content);
    y += content_h;
    s.label(LEFT + C1, y, C2, referral_h, "受診勧奨");
    s.cell(VX, y, VW, referral_h);
    let base = centered_baseline(y, referral_h, VALUE);
    let cw = s.text(VX + 2.0, base, LABEL, "（3　メンタルヘルス不調の労働者に対する相談・指導の場合）");
    let referral = opts_text(&[("有", c.referral == Some(true)), ("・", false), ("無", c.referral == Some(false))]);
    s.options(VX + 2.0 + cw + 4.0, base, 30.0, &referral, Mark::Circle, VALUE);
    y += referral_h;

    // 備考
    s.label(LEFT, y, C1 + C2, notes_h, "備考");
    s.text_area(VX, y, VW, notes_h, "備考", &c.notes);
    y += notes_h;

    s.frame(LEFT, top, WIDTH, y - top);
    Ok(s)
}
