//! 様式例1-2 特定健康相談記録票 and 様式例1-1 利用申込書 as PDF, read back with poppler: every value
//! is found by pdftotext, every font is an embedded subset, one page, long text continues instead
//! of being clipped, and drafts say so. PNGs are written to artifacts/forms/.

mod pdfcheck;

use chisanpo_core::domain::*;
use chisanpo_core::forms::fonts::FontSet;
use chisanpo_core::forms::samples::{application, consultation, input};
use chisanpo_core::forms::sheet::PrintStatus;
use chisanpo_core::forms::{application, consultation_record, render, FormKind};
use pdfcheck::{assert_fields_printed, assert_has_all, continued, flat, produce};

const LONG_NAME: &str = "株式会社さんぽ精密機械製作所・静岡第二工場（組立・検査・出荷・品質保証部門）統括";

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
    let a = application();
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
        ..application()
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
    let a = Application { summary, ..application() };
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
    let inp = input(RecordBody::Application(application()), PrintStatus::Draft);
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
    let inp = input(RecordBody::Application(application()), PrintStatus::Final);
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
    let a = Application { applicant_name: "𠮷野 花子".into(), ..application() };
    let inp = input(RecordBody::Application(a), PrintStatus::Final);
    let err = render(FormKind::Application, &inp, &FontSet::embedded().unwrap()).unwrap_err().to_string();
    assert!(err.contains("𠮷") && err.contains("申込担当者"), "{err}");
}
