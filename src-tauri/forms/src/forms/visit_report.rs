//! 産業保健指導結果報告書（職場巡視結果報告）: the report the employer keeps after a 訪問指導
//! (issue 16). There is no MHLW 様式 for it; it follows the other sheets' layout and fonts.
//!
//! In order: to whom and from whom, 訪問日時, 事業場, 訪問者, 事業場の対応者, 実施内容 (circled),
//! 巡視した場所, 良好な取組 (first, as the centres are asked to say what is done well), the
//! findings as an improvement plan (区分・優先度, 場所・指摘事項, 助言, 改善期限, and a column the
//! employer fills in), what became of the last visit's findings, 総評, and the signature with 印.
//!
//! Only what the employer may see: the visit's own facts. The consultations held on the same
//! trip are not printed (they are about workers).

use crate::domain::{Code, ImprovementStatus, Visit, VisitActivity, VisitorRole};
use crate::error::Result;

use super::canvas::centered_baseline;
use super::fonts::FontSet;
use super::input::{hm, wareki, wareki_weekday, FormInput};
use super::sheet::{Mark, Opt, Sheet, BOTTOM, LABEL, LEFT, RIGHT, SMALL, VALUE, WIDTH};

pub const FORM_NO: &str = "訪問指導・職場巡視";
pub const TITLE: &str = "産業保健指導結果報告書";
pub const SUBTITLE: &str = "（職場巡視結果報告）";

const DATE_BLANK: &str = "令和　　年　　月　　日（　）";
const TIME_BLANK: &str = "　　時　　分";
/// The label column and where values start.
const C1: f32 = 30.0;
const VX: f32 = LEFT + C1;
const VW: f32 = WIDTH - C1;
/// The improvement plan's columns: No, 区分・優先度, 場所・指摘事項, 助言・指導内容, 改善期限, 事業場記入欄.
const PLAN: [f32; 6] = [8.0, 24.0, 46.0, 46.0, 20.0, 36.0];
const PLAN_HEAD: [&str; 6] = ["No", "区分・優先度", "場所・指摘事項", "助言・指導内容", "改善期限", "事業場記入欄"];
const ROW: f32 = 19.0;
/// Room kept at the foot of the last page for 総評 and the signature.
const SIGN_H: f32 = 10.0;

/// The visitors as printed: 「保健師　山田 花子、労働衛生工学専門員　田中 次郎」.
pub fn visitors_line(input: &FormInput, v: &Visit) -> String {
    let mut out: Vec<String> = Vec::new();
    for (i, w) in v.visitors.iter().enumerate() {
        let name =
            if !w.name.trim().is_empty() { w.name.trim().to_string() } else { input.snapshot.visitors.get(i).map(|s| s.name.clone()).unwrap_or_default() };
        let role = w.role.map(|r| r.label()).unwrap_or("");
        let text = [role, name.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join("　");
        if !text.is_empty() {
            out.push(text);
        }
    }
    out.join("、")
}

fn doctor_line(input: &FormInput) -> String {
    let role = match input.snapshot.doctor.as_ref().and_then(|d| d.role) {
        Some(crate::domain::StaffRole::Nurse) => VisitorRole::Nurse.label(),
        _ => VisitorRole::Doctor.label(),
    };
    let name = input.doctor_name();
    if name.is_empty() {
        return String::new();
    }
    let aff = input.doctor_affiliation();
    if aff.is_empty() {
        format!("{role}　{name}")
    } else {
        format!("{role}　{name}（{aff}）")
    }
}

fn activities_other(v: &Visit) -> String {
    if v.activities.contains(&VisitActivity::Other) && !v.activity_other.trim().is_empty() {
        format!("その他の内容：{}", v.activity_other.trim())
    } else {
        String::new()
    }
}

fn good_practices(v: &Visit) -> String {
    v.good_practices.iter().filter(|g| !g.trim().is_empty()).map(|g| format!("・{}", g.trim())).collect::<Vec<_>>().join("\n")
}

/// An earlier finding as the report names it: 「令和7年9月3日 指摘1：局所排気装置の…」.
fn followed_text(input: &FormInput, f: &crate::domain::FindingFollowUp) -> String {
    let seen = input.snapshot.followed.iter().find(|x| x.visit_id == f.visit_id && x.finding_no == f.finding_no);
    let when = seen.and_then(|x| x.visited_on).map(|d| d.wareki()).unwrap_or_else(|| "前回".to_string());
    match seen.map(|x| x.observation.trim()).filter(|o| !o.is_empty()) {
        Some(o) => format!("{when} 指摘{}：{o}", f.finding_no),
        None => format!("{when} 指摘{}", f.finding_no),
    }
}

/// Every value the report prints that comes from a person (for the glyph check and the tests).
pub fn fields(input: &FormInput, v: &Visit) -> Vec<(String, String)> {
    let wp = input.snapshot.workplace.clone().unwrap_or_default();
    let mut out = vec![
        ("事業場名".into(), wp.name),
        ("所在地".into(), wp.address),
        ("センター名".into(), input.centre_name.clone()),
        ("担当".into(), doctor_line(input)),
        ("同行者".into(), visitors_line(input, v)),
        ("事業場の対応者".into(), v.received_by.clone()),
        ("その他の実施内容".into(), v.activity_other.clone()),
        ("巡視した場所".into(), v.places_walked.clone()),
        ("良好な取組".into(), good_practices(v)),
        ("総評".into(), v.comment.clone()),
    ];
    for (i, f) in v.findings.iter().enumerate() {
        let n = i + 1;
        out.push((format!("指摘事項{n}の場所"), f.place.clone()));
        out.push((format!("指摘事項{n}"), f.observation.clone()));
        out.push((format!("指摘事項{n}への助言"), f.advice.clone()));
    }
    for (i, p) in v.photos.iter().enumerate() {
        out.push((format!("写真{}の説明", i + 1), p.caption.clone()));
    }
    for (i, f) in v.follow_ups.iter().enumerate() {
        out.push((format!("改善状況{}の指摘事項", i + 1), followed_text(input, f)));
        out.push((format!("改善状況{}の備考", i + 1), f.note.clone()));
    }
    out
}

/// The pixels of each photo the version carries, scaled for print (about 200 dpi at the size
/// printed), with its caption. A photo that cannot be read is left out rather than stopping the
/// report (the store kept only photos it could read).
fn printable_photos(input: &FormInput, v: &Visit) -> Vec<(Vec<u8>, u32, u32, String)> {
    use base64::Engine;
    let mut out = Vec::new();
    for p in &v.photos {
        let Some(data) = input.snapshot.photos.iter().find(|d| d.sha256 == p.sha256) else { continue };
        let Ok(jpeg) = base64::engine::general_purpose::STANDARD.decode(&data.jpeg_base64) else { continue };
        // Decoded with limits: a version from another device is not trusted to be small.
        let mut reader = image::ImageReader::with_format(std::io::Cursor::new(&jpeg), image::ImageFormat::Jpeg);
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(4000);
        limits.max_image_height = Some(4000);
        limits.max_alloc = Some(128 * 1024 * 1024);
        reader.limits(limits);
        let Ok(picture) = reader.decode() else { continue };
        let picture = picture.thumbnail(460, 345).to_rgb8();
        let (w, h) = picture.dimensions();
        out.push((picture.into_raw(), w, h, p.caption.clone()));
    }
    out
}

fn subject_line(input: &FormInput, v: &Visit) -> String {
    format!("事業場 {}　訪問日 {}", input.workplace_name(), wareki(v.visited_on))
}

fn or_blank(s: String, blank: &str) -> String {
    if s.is_empty() {
        blank.to_string()
    } else {
        s
    }
}

/// Start a continuation page when `need` millimetres do not fit below `y`.
fn room(s: &mut Sheet, y: &mut f32, need: f32) {
    if *y + need > BOTTOM {
        *y = s.next_page();
    }
}

/// A section's heading: 「■ 指摘事項と助言（改善計画）」.
fn heading(s: &mut Sheet, y: &mut f32, text: &str, note: &str) {
    room(s, y, 7.0 + ROW + 8.0);
    *y += 3.0;
    let w = s.text(LEFT, *y + 3.2, VALUE, &format!("■ {text}"));
    if !note.is_empty() {
        s.text(LEFT + w + 3.0, *y + 3.2, SMALL, note);
    }
    *y += 5.0;
}

fn plan_header(s: &mut Sheet, y: &mut f32) {
    let h = 8.0;
    let mut x = LEFT;
    for (w, t) in PLAN.iter().zip(PLAN_HEAD) {
        s.label(x, *y, *w, h, t);
        x += w;
    }
    *y += h;
}

pub fn render(input: &FormInput, v: &Visit, fonts: FontSet) -> Result<Vec<u8>> {
    draw(input, v, fonts)?.finish()
}

/// The sheet drawn, before [`Sheet::finish`]: for the clearance check.
pub fn draw(input: &FormInput, v: &Visit, fonts: FontSet) -> Result<Sheet> {
    let mut s = Sheet::new(fonts, input.header(FORM_NO, TITLE, subject_line(input, v)));
    let wp = input.snapshot.workplace.clone().unwrap_or_default();

    s.title(18.0, TITLE);
    let sub_w = s.width(LABEL + 1.0, SUBTITLE);
    s.text(LEFT + (WIDTH - sub_w) / 2.0, 23.5, LABEL + 1.0, SUBTITLE);

    // To whom and from whom.
    let to = if wp.name.is_empty() { "　　　　　　　　　　　　　　　　御中".to_string() } else { format!("{}　御中", wp.name) };
    s.text(LEFT, 31.0, VALUE + 1.0, &to);
    let from = if input.centre_name.trim().is_empty() { "地域産業保健センター".to_string() } else { input.centre_name.clone() };
    s.text_right(LEFT, 31.0, WIDTH, VALUE, &from);
    s.text(LEFT, 37.0, LABEL, "下記のとおり事業場を訪問し、産業保健指導を行いましたので、その結果を報告します。");

    let mut y = 40.0;
    let h = 9.0;
    s.label(LEFT, y, C1, h, "訪問日時");
    let when = format!(
        "{}　{} ～ {}",
        or_blank(wareki_weekday(v.visited_on), DATE_BLANK),
        or_blank(hm(v.start_time), TIME_BLANK),
        or_blank(hm(v.end_time), TIME_BLANK)
    );
    s.value(VX, y, VW, h, "訪問日時", &when);
    y += h;
    s.label(LEFT, y, C1, h, "事業場名");
    s.value(VX, y, VW, h, "事業場名", &wp.name);
    y += h;
    s.label(LEFT, y, C1, h, "所在地");
    s.value(VX, y, VW, h, "所在地", &wp.address);
    y += h;
    s.label(LEFT, y, C1, 2.0 * h, "訪問者");
    s.label(VX, y, 18.0, h, "担当");
    s.value(VX + 18.0, y, VW - 18.0, h, "担当", &doctor_line(input));
    y += h;
    s.label(VX, y, 18.0, h, "同行者");
    s.value(VX + 18.0, y, VW - 18.0, h, "同行者", &visitors_line(input, v));
    y += h;
    s.label(LEFT, y, C1, h, "事業場の対応者");
    s.value(VX, y, VW, h, "事業場の対応者", &v.received_by);
    y += h;

    // 実施内容: every code, the chosen ones circled, in two rows (three with その他's text).
    let other = activities_other(v);
    let ha = if other.is_empty() { 13.0 } else { 18.0 };
    s.label(LEFT, y, C1, ha, "実施内容");
    s.cell(VX, y, VW, ha);
    let items: Vec<Opt> = VisitActivity::ALL.iter().map(|a| Opt { text: a.label().to_string(), selected: v.activities.contains(a) }).collect();
    let used = s.options(VX + 3.0, centered_baseline(y + 0.8, 6.0, LABEL), VW - 6.0, &items, Mark::Circle, LABEL);
    if !other.is_empty() {
        s.value_in(VX, y + (used + 1.5).min(ha - 6.0), VW, 6.0, "その他の実施内容", &other);
    }
    y += ha;

    s.label(LEFT, y, C1, 12.0, "巡視した場所");
    s.text_area(VX, y, VW, 12.0, "巡視した場所", &v.places_walked);
    y += 12.0;
    let gp = good_practices(v);
    let hg = if gp.lines().count() > 2 { 22.0 } else { 15.0 };
    s.label(LEFT, y, C1, hg, "良好な取組");
    s.text_area(VX, y, VW, hg, "良好な取組", &gp);
    y += hg;

    // The improvement plan.
    heading(&mut s, &mut y, "指摘事項と助言（改善計画）", "優先度　高：速やかに　中：計画的に　低：可能な範囲で");
    plan_header(&mut s, &mut y);
    if v.findings.is_empty() {
        s.cell(LEFT, y, WIDTH, 9.0);
        s.text(LEFT + 3.0, centered_baseline(y, 9.0, VALUE), VALUE, "指摘事項はありません。");
        y += 9.0;
    }
    for (i, f) in v.findings.iter().enumerate() {
        if y + ROW > BOTTOM {
            y = s.next_page();
            plan_header(&mut s, &mut y);
        }
        let n = i + 1;
        let mut x = LEFT;
        s.cell(x, y, PLAN[0], ROW);
        s.text(x + 2.2, centered_baseline(y, ROW, VALUE), VALUE, &n.to_string());
        x += PLAN[0];
        let kind = [f.category.map(|c| c.label().to_string()), f.priority.map(|p| format!("優先度 {}", p.label()))]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n");
        s.value(x, y, PLAN[1], ROW, &format!("指摘事項{n}の区分"), &kind);
        x += PLAN[1];
        let seen = if f.place.trim().is_empty() { f.observation.clone() } else { format!("【{}】{}", f.place.trim(), f.observation) };
        s.value(x, y, PLAN[2], ROW, &format!("指摘事項{n}"), &seen);
        x += PLAN[2];
        s.value(x, y, PLAN[3], ROW, &format!("指摘事項{n}への助言"), &f.advice);
        x += PLAN[3];
        // 令和7年 / 10月31日 on two lines, never broken inside the month or the day.
        let due = wareki(f.due_on).replacen('年', "年\n", 1);
        s.value(x, y, PLAN[4], ROW, &format!("指摘事項{n}の改善期限"), &due);
        x += PLAN[4];
        s.cell(x, y, PLAN[5], ROW);
        s.text(x + 1.5, y + ROW - 1.8, SMALL, "完了日　　年　　月　　日");
        y += ROW;
    }

    if !v.findings.is_empty() {
        s.text(LEFT, y + 3.5, SMALL, "※ 事業場記入欄には、対応した内容と完了日をご記入のうえ、次回の訪問時にお示しください。");
        y += 4.5;
    }

    // What became of the earlier findings.
    if !v.follow_ups.is_empty() {
        heading(&mut s, &mut y, "前回までの指摘事項の改善状況", "");
        let cols = [70.0, 48.0, WIDTH - 118.0];
        let hh = 8.0;
        let head = |s: &mut Sheet, y: &mut f32| {
            let mut x = LEFT;
            for (w, t) in cols.iter().zip(["前回の指摘事項", "改善状況", "備考"]) {
                s.label(x, *y, *w, hh, t);
                x += w;
            }
            *y += hh;
        };
        head(&mut s, &mut y);
        for (i, f) in v.follow_ups.iter().enumerate() {
            if y + 10.0 > BOTTOM {
                y = s.next_page();
                head(&mut s, &mut y);
            }
            let n = i + 1;
            s.value(LEFT, y, cols[0], 10.0, &format!("改善状況{n}の指摘事項"), &followed_text(input, f));
            let status: Vec<Opt> = ImprovementStatus::ALL.iter().map(|st| Opt { text: st.label().to_string(), selected: f.status == Some(*st) }).collect();
            s.cell(LEFT + cols[0], y, cols[1], 10.0);
            s.options(LEFT + cols[0] + 3.0, centered_baseline(y, 10.0, LABEL), cols[1] - 4.5, &status, Mark::Circle, LABEL);
            s.value(LEFT + cols[0] + cols[1], y, cols[2], 10.0, &format!("改善状況{n}の備考"), &f.note);
            y += 10.0;
        }
    }

    // The photos, small, three to a row, each with its caption.
    let photos = printable_photos(input, v);
    if !photos.is_empty() {
        let (pw, ph, gap) = (58.0, 43.5, 3.0);
        // The heading goes with the first row of photos.
        room(&mut s, &mut y, 8.0 + ph + 8.0);
        heading(&mut s, &mut y, "写真", "");
        for (i, (rgb, px_w, px_h, caption)) in photos.into_iter().enumerate() {
            let col = i % 3;
            if col == 0 && i > 0 {
                y += ph + 8.0;
                room(&mut s, &mut y, ph + 8.0);
            }
            let x = LEFT + col as f32 * (pw + gap);
            // Fit the picture in the box, centred, keeping its proportions.
            let scale = (pw / px_w as f32).min(ph / px_h as f32);
            let (w, h) = (px_w as f32 * scale, px_h as f32 * scale);
            s.picture(x + (pw - w) / 2.0, y + (ph - h) / 2.0, w, h, rgb, px_w, px_h);
            s.cell(x, y, pw, ph);
            let label = if caption.trim().is_empty() { format!("写真{}", i + 1) } else { format!("写真{}　{}", i + 1, caption.trim()) };
            s.value_in(x, y + ph, pw, 7.0, &format!("写真{}の説明", i + 1), &label);
        }
        y += ph + 8.0;
    }

    // 総評 and the signature.
    let hs = 20.0;
    room(&mut s, &mut y, 3.0 + hs + 3.0 + SIGN_H);
    y += 3.0;
    s.label(LEFT, y, C1, hs, "総評");
    s.text_area(VX, y, VW, hs, "総評", &v.comment);
    y += hs + 3.0;
    let sign_x = RIGHT - 130.0;
    s.label(sign_x, y, 24.0, SIGN_H, "記名");
    s.value(sign_x + 24.0, y, 84.0, SIGN_H, "担当", &doctor_line(input));
    s.cell(RIGHT - 22.0, y, 22.0, SIGN_H);
    s.text(RIGHT - 5.0, y + SIGN_H - 1.5, SMALL, "印");
    Ok(s)
}
