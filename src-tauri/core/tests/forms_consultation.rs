//! 様式例1-2 特定健康相談記録票 and 様式例1-1 利用申込書 as PDF, read back with poppler: every value
//! is found by pdftotext, every font is an embedded subset, one page, long text continues instead
//! of being clipped, and drafts say so. PNGs are written to artifacts/forms/.

mod pdfcheck;

use std::path::PathBuf;

use chisanpo_core::domain::*;
use chisanpo_core::forms::fonts::FontSet;
use chisanpo_core::forms::sheet::PrintStatus;
use chisanpo_core::forms::{application, consultation_record, render, FormInput, FormKind};
use pdfcheck::{artifacts, assert_all_fonts_subset, page_count, poppler, to_png, write};

const LONG_NAME: &str = "株式会社さんぽ精密機械製作所・静岡第二工場（組立・検査・出荷・品質保証部門）統括";

fn d(s: &str) -> Option<Date> {
    Some(s.parse().unwrap())
}

fn t(s: &str) -> Option<TimeOfDay> {
    Some(s.parse().unwrap())
}

fn snapshot() -> Snapshot {
    Snapshot {
        workplace: Some(Workplace {
            name: "株式会社山田製作所".into(),
            kana: "ヤマダセイサクショ".into(),
            address: "静岡市葵区追手町9番6号".into(),
            industry: Some(Industry::E),
            workers_male: Some(21),
            workers_female: Some(8),
            contact_title: "総務課長".into(),
            contact_name: "佐藤 花子".into(),
            phone: "054-123-4567".into(),
            fax: "054-123-4568".into(),
            email: "soumu@example.jp".into(),
            ..Default::default()
        }),
        worker: Some(Worker {
            workplace_id: "w".into(),
            name: "鈴木 一郎".into(),
            kana: "スズキ イチロウ".into(),
            sex: Some(Sex::Male),
            birth_date: d("1980-04-02"),
            department: "製造部組立課".into(),
            position: "主任".into(),
        }),
        doctor: Some(Staff {
            role: Some(StaffRole::Doctor),
            name: "産業 太郎".into(),
            kana: "サンギョウ タロウ".into(),
            affiliation: "さんぽ内科クリニック".into(),
            seal_line: "医師 産業 太郎".into(),
        }),
    }
}

fn consultation() -> Consultation {
    Consultation {
        application_id: Some("a".into()),
        received_on: d("2025-06-02"),
        performed_on: d("2025-06-10"),
        start_time: t("14:00"),
        end_time: t("15:30"),
        place: Some(Place::WorkplaceVisit),
        place_name: "株式会社山田製作所 本社会議室".into(),
        doctor_id: Some("d".into()),
        workplace_id: Some("w".into()),
        requester: Some(Requester::Worker),
        requester_title: "製造部組立課 主任（組立ラインの工程管理）".into(),
        requester_name: String::new(),
        worker_id: Some("k".into()),
        kinds: vec![ConsultationKind::OpinionHearing, ConsultationKind::MentalHealth],
        subject_count: Some(3),
        content: "健康診断の有所見者3名について就業上の意見を述べた。\n本人から睡眠と気分の落ち込みについて相談があり、生活習慣について助言した。".into(),
        referral: Some(true),
        notes: "次回は7月に事業場訪問の予定".into(),
    }
}

fn application_body() -> Application {
    Application {
        received_on: d("2025-06-02"),
        workplace_id: Some("w".into()),
        applicant_title: "総務課長".into(),
        applicant_name: "佐藤 花子".into(),
        phone: "054-123-9999".into(),
        fax: "054-123-8888".into(),
        email: "kenko@example.jp".into(),
        services: vec![Service::OpinionHearing, Service::LongHoursInterview],
        preferred: vec![
            PreferredSlot { date: d("2025-06-20"), from: t("14:00"), to: t("16:00") },
            PreferredSlot { date: d("2025-06-27"), from: t("9:30"), to: t("11:00") },
        ],
        headcount: Some(4),
        summary: "定期健康診断の有所見者への就業上の意見と、時間外労働が多い社員の面接指導をお願いしたい。".into(),
        doctor_id: Some("d".into()),
        place: Some(Place::MedicalInstitution),
        place_name: "さんぽ内科クリニック".into(),
        appointment_on: d("2025-06-20"),
        appointment_from: t("14:00"),
        appointment_to: t("15:00"),
        notes: "利用料なし（今年度初回）".into(),
    }
}

fn input(body: RecordBody, status: PrintStatus) -> FormInput {
    FormInput {
        record_id: "0195cc87-b280-72c9-82e5-5323bb1b2549".into(),
        version: match &status {
            PrintStatus::Draft => 0,
            PrintStatus::Final => 1,
            PrintStatus::Amended { version, .. } => *version,
        },
        status,
        body,
        snapshot: snapshot(),
        centre_name: "静岡県地域産業保健センター".into(),
    }
}

/// Render, write, check the fonts, keep PNGs; returns (path, pdftotext output, pages).
fn produce(name: &str, kind: FormKind, inp: &FormInput) -> (PathBuf, String, usize) {
    let fonts = FontSet::embedded().unwrap();
    let pdf = render(kind, inp, &fonts).unwrap_or_else(|e| panic!("{name}: {e}"));
    let dir = artifacts("forms");
    let path = write(&dir, &format!("{name}.pdf"), &pdf);
    assert_all_fonts_subset(&path);
    let pngs = to_png(&path, &dir.join(name), 100);
    assert!(!pngs.is_empty());
    let text = poppler("pdftotext", &["-layout"], &path);
    let pages = page_count(&path);
    eprintln!("{name}: {} bytes, {pages} page(s)", pdf.len());
    (path, text, pages)
}

fn flat(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every needle is in the text (whitespace removed, since -layout pads columns).
fn assert_has_all(text: &str, needles: &[&str]) {
    let flat_text = flat(text);
    for n in needles {
        assert!(flat_text.contains(&flat(n)), "{n:?} is not in the PDF text:\n{text}");
    }
}

/// Every line of every person-provided value the form lists is in the text.
fn assert_fields_printed(text: &str, fields: &[(String, String)]) {
    let flat_text = flat(text);
    for (label, value) in fields {
        for line in value.lines().filter(|l| !l.trim().is_empty()) {
            assert!(flat_text.contains(&flat(line)), "{label}: {line:?} is not in the PDF text:\n{text}");
        }
    }
}

/// The text of a box that continues on a continuation page, put back together: in reading order
/// (without -layout, which interleaves the label column), what comes before （別紙に続く） on the
/// form joined to what follows ■ field（続き）.
fn continued(path: &std::path::Path, field: &str) -> String {
    let text = flat(&poppler("pdftotext", &[], path));
    let cut = text.find("（別紙に続く）").expect("the box says it continues");
    let head = format!("■{field}（続き）");
    let rest = text.find(&head).expect("the continuation names the field") + head.len();
    format!("{}{}", &text[..cut], &text[rest..])
}

#[test]
fn consultation_record_prints_every_field() {
    let c = consultation();
    let inp = input(RecordBody::Consultation(c.clone()), PrintStatus::Final);
    let (path, text, pages) = produce("consultation-record", FormKind::ConsultationRecord, &inp);
    assert_eq!(pages, 1, "{}", path.display());
    let fields = consultation_record::fields(&inp, &c);
    assert!(fields.iter().all(|(_, v)| !v.is_empty()), "the fixture fills every field: {fields:?}");
    assert_fields_printed(&text, &fields);
    assert_has_all(
        &text,
        &[
            "様式例1-2",
            "特定健康相談記録票",
            "令和7年6月10日（火）",
            "14時00分 ～ 15時30分",
            "1　医療機関",
            "2　事業場訪問",
            "3　その他施設",
            "株式会社山田製作所 本社会議室",
            "担当産業医等氏名",
            "産業 太郎",
            "株式会社山田製作所",
            "静岡市葵区追手町9番6号",
            "総務課長　佐藤 花子",
            "054-123-4567",
            "054-123-4568",
            "E　製造業",
            "（男：21人）",
            "（女：8人）",
            "（計：29人）",
            "1　事業者・担当者等",
            "2　本人（労働者）",
            "3　その他",
            "製造部組立課 主任（組立ラインの工程管理）",
            "鈴木 一郎",
            "年齢45歳",
            "性別：男・女",
            "（該当事項に○）",
            "1　健康診断結果に基づく医師の意見聴取",
            "（対象者　3名）",
            "2　脳・心臓疾患のリスクが高い労働者に対する保健指導",
            "3　メンタルヘルス不調の労働者に対する相談・指導",
            "健康診断の有所見者3名について就業上の意見を述べた。",
            "受診勧奨（3　メンタルヘルス不調の労働者に対する相談・指導の場合）有・無",
            "次回は7月に事業場訪問の予定",
            "記録ID 0195cc87-b280-72c9-82e5-5323bb1b2549",
            "第1版",
            "1/1ページ",
        ],
    );
    assert!(!text.contains("下書き"));
}

#[test]
fn an_employer_requester_prints_the_typed_name_and_no_age() {
    let c = Consultation {
        requester: Some(Requester::Employer),
        requester_title: "総務課長".into(),
        requester_name: "佐藤 花子".into(),
        worker_id: None,
        kinds: vec![ConsultationKind::HealthGuidance],
        subject_count: None,
        referral: None,
        ..consultation()
    };
    let inp = input(RecordBody::Consultation(c), PrintStatus::Final);
    let (_, text, pages) = produce("consultation-record-employer", FormKind::ConsultationRecord, &inp);
    assert_eq!(pages, 1);
    assert_has_all(&text, &["佐藤 花子", "年齢歳"]);
    assert!(!flat(&text).contains("鈴木一郎"), "the worker on file is not the requester");
    assert!(!flat(&text).contains("45歳"), "the age is printed only for 本人");
}

#[test]
fn application_prints_every_field() {
    let a = application_body();
    let inp = input(RecordBody::Application(a.clone()), PrintStatus::Final);
    let (path, text, pages) = produce("application", FormKind::Application, &inp);
    assert_eq!(pages, 1, "{}", path.display());
    let fields = application::fields(&inp, &a);
    assert!(fields.iter().all(|(_, v)| !v.is_empty()), "the fixture fills every field: {fields:?}");
    assert_fields_printed(&text, &fields);
    assert_has_all(
        &text,
        &[
            "様式例1-1",
            "特定健康相談・面接指導利用申込書",
            "静岡県地域産業保健センター 殿",
            "申込日 令和7年6月2日",
            "株式会社山田製作所",
            "静岡市葵区追手町9番6号",
            "E　製造業",
            "男 21人",
            "女 8人",
            "計 29人",
            "総務課長",
            "佐藤 花子",
            "054-123-9999",
            "054-123-8888",
            "kenko@example.jp",
            "■1：健康診断結果に基づく医師の意見聴取",
            "□2：脳・心臓疾患のリスクが高い労働者に対する保健指導",
            "□3：メンタルヘルス不調の労働者に対する相談・指導",
            "■4：長時間労働者に対する面接指導",
            "□5：高ストレス者に対する面接指導",
            "第1希望",
            "令和7年6月20日（金） 14時00分 ～ 16時00分",
            "第2希望",
            "令和7年6月27日（金） 9時30分 ～ 11時00分",
            "4名",
            "健康情報は記入しないでください（個人の健康状態は相談の場でお聞きします）",
            "時間外労働が多い社員の面接指導をお願いしたい。",
            "センター記入欄",
            "産業 太郎",
            "1：医療機関",
            "さんぽ内科クリニック",
            "決定日時",
            "令和7年6月20日（金） 14時00分 ～ 15時00分",
            "利用料なし（今年度初回）",
            "第1版",
            "1/1ページ",
        ],
    );
}

#[test]
fn an_application_without_contacts_uses_the_workplace_contacts() {
    let a = Application {
        applicant_title: String::new(),
        applicant_name: String::new(),
        phone: String::new(),
        fax: String::new(),
        email: String::new(),
        ..application_body()
    };
    let inp = input(RecordBody::Application(a), PrintStatus::Final);
    let (_, text, _) = produce("application-workplace-contacts", FormKind::Application, &inp);
    assert_has_all(&text, &["総務課長", "佐藤 花子", "054-123-4567", "054-123-4568", "soumu@example.jp"]);
}

#[test]
fn long_content_continues_and_long_names_are_not_clipped() {
    let long: String = (0..80).map(|n| format!("{n}番目の文。睡眠・食事・運動の状況を聞き取り、助言した。")).collect();
    assert!(long.chars().count() >= 2000);
    let c = Consultation { content: long.clone(), ..consultation() };
    let mut inp = input(RecordBody::Consultation(c), PrintStatus::Final);
    inp.snapshot.workplace.as_mut().unwrap().name = LONG_NAME.into();
    assert!(LONG_NAME.chars().count() >= 40);
    let (path, text, pages) = produce("consultation-record-long", FormKind::ConsultationRecord, &inp);
    assert!(pages >= 2, "the content must continue on another page");
    assert_has_all(&text, &["（別紙に続く）", "特定健康相談記録票（続き）", "前のページの続きです", "■ 相談・指導内容（続き）", LONG_NAME]);
    let flat_text = continued(&path, "相談・指導内容");
    for n in 0..80 {
        let sentence = format!("{n}番目の文。睡眠・食事・運動の状況を聞き取り、助言した。");
        assert!(flat_text.contains(&sentence), "lost: {sentence}");
    }
    assert!(flat_text.contains(&format!("{pages}/{pages}ページ")));

    // The application: a long name stays whole, and a 2,000-character summary continues.
    let summary: String = (0..60).map(|n| format!("{n}番目の要望。勤務体制と相談の進め方について相談したい。")).collect();
    let a = Application { summary, ..application_body() };
    let mut inp = input(RecordBody::Application(a), PrintStatus::Final);
    inp.snapshot.workplace.as_mut().unwrap().name = LONG_NAME.into();
    let (path, text, pages) = produce("application-long", FormKind::Application, &inp);
    assert!(pages >= 2);
    assert_has_all(&text, &["（別紙に続く）", "■ 相談したい内容の概要（続き）", LONG_NAME]);
    let flat_text = continued(&path, "相談したい内容の概要");
    for n in 0..60 {
        let sentence = format!("{n}番目の要望。勤務体制と相談の進め方について相談したい。");
        assert!(flat_text.contains(&sentence), "lost: {sentence}");
    }
}

#[test]
fn drafts_are_marked_and_blank_drafts_print_the_empty_form() {
    let inp = input(RecordBody::Consultation(consultation()), PrintStatus::Draft);
    let (_, text, _) = produce("consultation-record-draft", FormKind::ConsultationRecord, &inp);
    assert_has_all(&text, &["下書き（確定前のため交付できません）", "記録ID 0195cc87-b280-72c9-82e5-5323bb1b2549　下書き"]);
    let inp = input(RecordBody::Application(application_body()), PrintStatus::Draft);
    let (_, text, _) = produce("application-draft", FormKind::Application, &inp);
    assert_has_all(&text, &["下書き（確定前のため交付できません）", "記録ID 0195cc87-b280-72c9-82e5-5323bb1b2549　下書き"]);

    // Nothing filled in: the form's empty template, on one page.
    let mut blank = input(RecordBody::Consultation(Consultation::default()), PrintStatus::Draft);
    blank.snapshot = Snapshot::default();
    let (_, text, pages) = produce("consultation-record-blank", FormKind::ConsultationRecord, &blank);
    assert_eq!(pages, 1);
    assert_has_all(&text, &["令和 年 月 日（ ） 時 分 ～ 時 分", "（男： 人）", "（対象者 名）", "下書き"]);
    let mut blank = input(RecordBody::Application(Application::default()), PrintStatus::Draft);
    blank.snapshot = Snapshot::default();
    let (_, text, pages) = produce("application-blank", FormKind::Application, &blank);
    assert_eq!(pages, 1);
    assert_has_all(&text, &["申込日 令和 年 月 日", "第1希望", "□1：健康診断結果に基づく医師の意見聴取", "下書き"]);
}

#[test]
fn the_forms_need_their_own_kind_of_record() {
    let fonts = FontSet::embedded().unwrap();
    let inp = input(RecordBody::Application(application_body()), PrintStatus::Final);
    let err = render(FormKind::ConsultationRecord, &inp, &fonts).unwrap_err().to_string();
    assert!(err.contains("特定健康相談記録票"), "{err}");
    let inp = input(RecordBody::Consultation(consultation()), PrintStatus::Final);
    let err = render(FormKind::Application, &inp, &fonts).unwrap_err().to_string();
    assert!(err.contains("利用申込書"), "{err}");
}

#[test]
fn a_missing_glyph_in_a_consultation_stops_the_form() {
    let c = Consultation { notes: "𠮷田さんから電話".into(), ..consultation() };
    let inp = input(RecordBody::Consultation(c), PrintStatus::Final);
    let err = render(FormKind::ConsultationRecord, &inp, &FontSet::embedded().unwrap()).unwrap_err().to_string();
    assert!(err.contains("𠮷") && err.contains("備考"), "{err}");
    let a = Application { applicant_name: "𠮷野 花子".into(), ..application_body() };
    let inp = input(RecordBody::Application(a), PrintStatus::Final);
    let err = render(FormKind::Application, &inp, &FontSet::embedded().unwrap()).unwrap_err().to_string();
    assert!(err.contains("𠮷") && err.contains("申込担当者"), "{err}");
}
