//! 保存と廃棄 (seed 002 別添1 §2(5), 別添2 §2(6)): records are kept 5 years, nothing inside its
//! retention period can be destroyed (even by mistake), and a destroyed record leaves a 廃棄記録
//! and no trace of its names or health data in the database, decrypted or not.
//!
//! The records are dated 2018–2020 so that their five years are over; "today" is fixed.

use std::path::{Path, PathBuf};

use chisanpo_core::domain::kana;
use chisanpo_core::domain::{
    Consultation, ConsultationKind, Date, Diagnosis, Fatigue, GuidanceClass, HoursMeasure, Interview, InterviewKind, InterviewResult, Opinion, Place,
    RecordBody, RecordKind, RecordStatus, Requester, Staff, StaffRole, TimeOfDay, WorkClass, WorkStatus, Worker, Workplace,
};
use chisanpo_core::ledger::{LedgerFilter, LedgerKind};
use chisanpo_core::prelude::*;
use chisanpo_core::store::{raw_connection, KdfParams, ListFilter, Passphrase, RecordSummary, Store};
use chisanpo_core::Error;

const PASS: &str = "廃棄テストのパスフレーズ";
const WORKER_GONE: &str = "御手洗 廃棄之介";
const WORKER_GONE_KANA: &str = "ミタライ ハイキノスケ";
const WORKER_KEPT: &str = "長谷川 保存子";
const HEALTH_GONE: &str = "左冠動脈の狭窄を疑う所見について保健指導";
const HEALTH_GONE_AMENDED: &str = "睡眠時無呼吸症候群の精査を勧めた";
const FREE_TEXT_GONE: &str = "上司との面談記録は別紙参照ｘｙｚ";
const OPINION_GONE: &str = "夜勤明けの運転業務を避けること";
const HEALTH_KEPT: &str = "血圧の再検査を勧めた保存対象の記録";

fn today() -> Date {
    Date::ymd(2026, 1, 10).unwrap()
}

struct Fixture {
    tmp: tempfile::TempDir,
    store: Store,
    gone: String,
    kept: String,
    /// 保健指導 2019-06-10, amended; 保健指導 2019-09-10 (a charged repeat, paid); 面接指導 2020-01-15.
    due: Vec<String>,
    /// 保健指導 2024-06-10 of the other worker: kept until 2029.
    recent: String,
}

fn dir(tmp: &tempfile::TempDir) -> PathBuf {
    tmp.path().join("data")
}

fn consultation(s: &Store, wp: &str, worker: &str, on: Date, content: &str) -> Consultation {
    Consultation {
        performed_on: Some(on),
        start_time: TimeOfDay::hm(10, 0),
        end_time: TimeOfDay::hm(11, 0),
        place: Some(Place::MedicalInstitution),
        doctor_id: Some(s.actor().id.clone()),
        workplace_id: Some(wp.into()),
        worker_id: Some(worker.into()),
        requester: Some(Requester::Worker),
        kinds: vec![ConsultationKind::HealthGuidance],
        content: content.into(),
        ..Default::default()
    }
}

fn interview(s: &Store, wp: &str, worker: &str, on: Date) -> Interview {
    Interview {
        kind: Some(InterviewKind::LongHours),
        performed_on: Some(on),
        place: Some(Place::MedicalInstitution),
        doctor_id: Some(s.actor().id.clone()),
        workplace_id: Some(wp.into()),
        worker_id: Some(worker.into()),
        work_status: Some(WorkStatus {
            period_from: Date::ymd(2019, 12, 1),
            period_to: Date::ymd(2019, 12, 31),
            total_hours: Some(267.1),
            ..Default::default()
        }),
        result: InterviewResult {
            fatigue: Some(Fatigue::Moderate),
            mind_body_attention: Some(true),
            special_notes: HEALTH_GONE.into(),
            diagnosis: Some(Diagnosis::Observation),
            work_class: Some(WorkClass::Restricted),
            guidance: Some(GuidanceClass::HealthGuidance),
            recommendation_needed: Some(true),
            ..Default::default()
        },
        opinion: Opinion {
            hours_measures: vec![HoursMeasure::OvertimeLimit { hours_per_month: Some(45.0) }],
            remarks: OPINION_GONE.into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let profile = Staff { role: Some(StaffRole::Doctor), name: "産業 一郎".into(), ..Default::default() };
    let store = Store::init_with(&dir(&tmp), &Passphrase::new(PASS), &profile, KdfParams::MINIMUM).unwrap().0;
    let wp = store.add_workplace(&Workplace { name: "山田製作所".into(), ..Default::default() }).unwrap();
    let gone = store.add_worker(&Worker { workplace_id: wp.clone(), name: WORKER_GONE.into(), kana: WORKER_GONE_KANA.into(), ..Default::default() }).unwrap();
    let kept = store.add_worker(&Worker { workplace_id: wp.clone(), name: WORKER_KEPT.into(), ..Default::default() }).unwrap();
    // Long texts, so that destroying them shows in the size of the file.
    let long = |s: &str| s.repeat(19_000 / s.chars().count());

    let mut c = consultation(&store, &wp, &gone, Date::ymd(2019, 6, 10).unwrap(), &long(HEALTH_GONE));
    c.notes = FREE_TEXT_GONE.into();
    let first = store.create_record(&RecordBody::Consultation(c.clone())).unwrap();
    store.finalise(&first).unwrap();
    c.content = long(HEALTH_GONE_AMENDED);
    store.amend(&first, &RecordBody::Consultation(c), "所見の訂正").unwrap();

    let repeat = store.create_record(&RecordBody::Consultation(consultation(&store, &wp, &gone, Date::ymd(2019, 9, 10).unwrap(), &long(HEALTH_GONE)))).unwrap();
    store.confirm_payment(&repeat, Date::ymd(2019, 9, 2).unwrap()).unwrap();
    store.finalise(&repeat).unwrap();

    let iv = store.create_record(&RecordBody::Interview(interview(&store, &wp, &gone, Date::ymd(2020, 1, 15).unwrap()))).unwrap();
    store.finalise(&iv).unwrap();

    let recent = store.create_record(&RecordBody::Consultation(consultation(&store, &wp, &kept, Date::ymd(2024, 6, 10).unwrap(), HEALTH_KEPT))).unwrap();
    store.finalise(&recent).unwrap();
    drop(store);
    // The records were finalised on the day they were performed, years ago, as a centre's are:
    // a record finalised less than 5 years ago is never due (a mistyped era; see below).
    let conn = raw_connection(&dir(&tmp), &Passphrase::new(PASS)).unwrap();
    conn.execute("UPDATE records SET finalised_at = performed_on || substr(finalised_at, 11) WHERE finalised_at IS NOT NULL", []).unwrap();
    drop(conn);
    let store = Store::open(&dir(&tmp), &Passphrase::new(PASS)).unwrap();
    Fixture { tmp, store, gone, kept, due: vec![first, repeat, iv], recent }
}

fn all(s: &Store) -> Vec<RecordSummary> {
    s.list_records(&ListFilter::default()).unwrap()
}

fn ledger_ids(s: &Store, kind: LedgerKind) -> Vec<String> {
    s.ledger(kind, &LedgerFilter::default()).unwrap().entries.into_iter().map(|e| e.record_id).collect()
}

#[test]
fn due_records_are_listed_without_names() {
    let f = fixture();
    let due = f.store.retention_due(today()).unwrap();
    let ids: Vec<&str> = due.iter().map(|i| i.record_id.as_str()).collect();
    assert_eq!(ids, f.due.iter().map(String::as_str).collect::<Vec<_>>(), "oldest first; the 2024 record is not due");
    assert_eq!(due[0].retain_until, Date::ymd(2024, 6, 10).unwrap());
    assert_eq!((due[0].kind, due[0].status, due[0].fiscal_year, due[0].ledger_number), (RecordKind::Consultation, RecordStatus::Final, Some(2019), Some(1)));
    assert_eq!((due[2].kind, due[2].fiscal_year, due[2].ledger_number), (RecordKind::Interview, Some(2019), Some(1)));
    assert_eq!(due[2].performed_on, Date::ymd(2020, 1, 15));
    let json = serde_json::to_string(&due).unwrap();
    for secret in [WORKER_GONE, "御手洗", HEALTH_GONE, "山田製作所"] {
        assert!(!json.contains(secret), "the list names {secret}: {json}");
    }
    // The day after the last day kept, not before.
    assert!(f.store.retention_due(Date::ymd(2024, 6, 10).unwrap()).unwrap().is_empty());
    assert_eq!(f.store.retention_due(Date::ymd(2024, 6, 11).unwrap()).unwrap().len(), 1);
}

#[test]
fn nothing_inside_its_retention_period_is_destroyed() {
    let f = fixture();
    let s = &f.store;
    let before = (all(s), ledger_ids(s, LedgerKind::Consultation), s.record_count().unwrap());
    let same = |what: &str| {
        assert_eq!((all(s), ledger_ids(s, LedgerKind::Consultation), s.record_count().unwrap()), before, "{what} changed the store");
        assert!(s.destructions().unwrap().is_empty(), "{what} left a 廃棄記録");
        assert!(s.get_worker(&f.gone).is_ok() && s.get_worker(&f.kept).is_ok(), "{what} deleted a worker");
    };

    let err = s.destroy(std::slice::from_ref(&f.recent), "保存期間満了", today()).unwrap_err();
    assert!(matches!(&err, Error::StillRetained { count: 1, .. }), "{err:?}");
    assert_eq!(err.code(), "still_retained");
    assert!(err.to_string().contains("令和11年6月10日まで"), "{err}");
    same("an early destruction");

    // One due and one not: nothing at all.
    let mixed = vec![f.due[0].clone(), f.recent.clone()];
    assert!(matches!(s.destroy(&mixed, "保存期間満了", today()), Err(Error::StillRetained { count: 1, .. })));
    same("a mixed request");

    // A "today" later than the clock is not honoured.
    assert!(matches!(s.destroy(std::slice::from_ref(&f.recent), "保存期間満了", Date::ymd(2099, 1, 1).unwrap()), Err(Error::StillRetained { .. })));
    same("a date in the future");

    // Unknown ids and empty reasons refuse the whole request.
    let unknown = vec![f.due[0].clone(), "no-such-record".to_string()];
    assert!(matches!(s.destroy(&unknown, "保存期間満了", today()), Err(Error::NotFound { .. })));
    same("an unknown id");
    assert!(matches!(s.destroy(&f.due, "  ", today()), Err(Error::Invalid(v)) if v[0].field == "reason"));
    same("an empty reason");
    assert!(matches!(s.destroy(&[], "保存期間満了", today()), Err(Error::Invalid(_))));
    same("an empty request");
    assert!(s.verify().unwrap().ok);
}

/// The whole database, decrypted, as a plain SQLite file's bytes (SQLCipher's export).
fn decrypted(dir: &Path, out: &Path) -> Vec<u8> {
    let _ = std::fs::remove_file(out);
    let conn = raw_connection(dir, &Passphrase::new(PASS)).unwrap();
    let attach = format!("ATTACH DATABASE '{}' AS plain KEY '';", out.display().to_string().replace('\'', "''"));
    conn.execute_batch(&attach).unwrap();
    conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(())).unwrap();
    conn.execute_batch("DETACH DATABASE plain;").unwrap();
    drop(conn);
    let bytes = std::fs::read(out).unwrap();
    assert!(bytes.starts_with(b"SQLite format 3\0"), "the export is a plain database");
    bytes
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// What must not survive the destruction: the names in every stored form, and every free text.
fn traces() -> Vec<String> {
    let mut out = Vec::new();
    for s in [WORKER_GONE, WORKER_GONE_KANA, HEALTH_GONE, HEALTH_GONE_AMENDED, FREE_TEXT_GONE, OPINION_GONE] {
        out.push(s.to_string());
        out.push(s.replace(' ', ""));
    }
    out.push(kana::search_key(&format!("{WORKER_GONE}|{WORKER_GONE_KANA}")));
    // Fragments: a text split over two pages still leaks its halves.
    out.extend(["御手洗", "廃棄之介", "ハイキノスケ", "冠動脈", "無呼吸", "別紙参照", "夜勤明け"].map(String::from));
    out
}

#[test]
fn destroyed_records_leave_a_destruction_record_and_no_trace() {
    let f = fixture();
    let dir = dir(&f.tmp);
    let Fixture { tmp, store, gone, kept, due, recent } = f;
    let ledger_before = ledger_ids(&store, LedgerKind::Consultation);
    assert_eq!(ledger_before, [due[0].clone(), due[1].clone(), recent.clone()]);
    let versions_before = store.verify().unwrap().versions_checked;
    drop(store);

    // The test can see the traces when they are there.
    let plain = tmp.path().join("plain-before.db");
    let bytes = decrypted(&dir, &plain);
    for t in [WORKER_GONE, HEALTH_GONE, FREE_TEXT_GONE, OPINION_GONE] {
        assert!(contains(&bytes, t), "before: the export holds {t}");
    }
    let size_before = std::fs::metadata(dir.join("chisanpo.db")).unwrap().len();

    let store = Store::open(&dir, &Passphrase::new(PASS)).unwrap();
    let report = store.destroy(&due, "保存期間（5年）満了のため", today()).unwrap();
    assert_eq!(report.destroyed.iter().map(|d| d.record_id.as_str()).collect::<Vec<_>>(), due.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(report.workers_deleted, 1, "the worker with no record left is deleted");
    assert!(report.compacted);
    assert!(report.file_bytes_after < report.file_bytes_before, "{report:?}");

    // Gone from the lists and the ledgers; the other worker's record stays.
    assert_eq!(all(&store).into_iter().map(|r| r.id).collect::<Vec<_>>(), [recent.as_str()]);
    assert_eq!(ledger_ids(&store, LedgerKind::Consultation), [recent.as_str()]);
    assert!(ledger_ids(&store, LedgerKind::Interview).is_empty());
    for id in &due {
        assert!(matches!(store.get_record(id), Err(Error::NotFound { .. })), "{id}");
    }
    assert!(matches!(store.get_worker(&gone), Err(Error::NotFound { .. })));
    assert_eq!(store.get_worker(&kept).unwrap().data.name, WORKER_KEPT);
    assert!(store.retention_due(today()).unwrap().is_empty());
    assert!(store.fees_awaiting().unwrap().is_empty());

    // The 廃棄記録: what, which number, when, by whom, why.
    let destroyed = store.destructions().unwrap();
    assert_eq!(destroyed.len(), 3);
    let numbers: Vec<_> = destroyed.iter().map(|d| (d.record_id.as_str(), d.kind, d.fiscal_year, d.ledger_number)).collect();
    assert_eq!(
        numbers,
        [
            (due[0].as_str(), RecordKind::Consultation, Some(2019), Some(1)),
            (due[1].as_str(), RecordKind::Consultation, Some(2019), Some(2)),
            (due[2].as_str(), RecordKind::Interview, Some(2019), Some(1)),
        ]
    );
    let d = &destroyed[0];
    assert_eq!((d.performed_on, d.retain_until), (Date::ymd(2019, 6, 10), Date::ymd(2024, 6, 10)));
    assert_eq!(d.destroyed_by, store.actor().id);
    assert_eq!(d.destroyed_by_name.as_deref(), Some("産業 一郎"));
    assert_eq!(d.reason, "保存期間（5年）満了のため");
    assert_eq!(destroyed, report.destroyed);
    let json = serde_json::to_string(&destroyed).unwrap();
    assert!(!json.contains("御手洗") && !json.contains("冠動脈"), "{json}");

    // The audit trail says so, with the number and no names; the chain and every version verify.
    let trail = store.audit_trail(&due[0]).unwrap();
    assert_eq!(trail.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["create", "finalise", "amend", "destroy"]);
    let last = trail.last().unwrap();
    assert_eq!(
        (last.detail["kind"].as_str(), last.detail["ledger_number"].as_u64(), last.detail["fiscal_year"].as_i64()),
        (Some("consultation"), Some(1), Some(2019))
    );
    assert_eq!(store.audit_trail(&gone).unwrap().last().unwrap().action, "destroy");
    let report = store.verify().unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.versions_checked, versions_before - 4, "three records, four versions");
    // The numbers are never given again.
    let mut c = consultation(&store, &store.get_worker(&kept).unwrap().data.workplace_id, &kept, Date::ymd(2019, 11, 1).unwrap(), "後日入力");
    c.content = "後日入力した記録".into();
    let late = store.create_record(&RecordBody::Consultation(c)).unwrap();
    store.finalise(&late).unwrap();
    let entry = store.ledger(LedgerKind::Consultation, &LedgerFilter { fiscal_year: Some(2019), ..Default::default() }).unwrap().entries;
    assert_eq!((entry.len(), entry[0].number), (1, 3));
    drop(store);

    // Nothing left in the files: not decrypted, not encrypted, and the file shrank.
    let size_after = std::fs::metadata(dir.join("chisanpo.db")).unwrap().len();
    assert!(size_after < size_before, "the database did not shrink: {size_before} → {size_after}");
    let plain = tmp.path().join("plain-after.db");
    let bytes = decrypted(&dir, &plain);
    assert!(contains(&bytes, WORKER_KEPT) && contains(&bytes, HEALTH_KEPT), "the export holds what was kept");
    for t in traces() {
        assert!(!contains(&bytes, &t), "the decrypted database still holds {t:?}");
    }
    std::fs::remove_file(&plain).unwrap();
    std::fs::remove_file(tmp.path().join("plain-before.db")).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let raw = std::fs::read(&path).unwrap();
            for t in traces() {
                assert!(!contains(&raw, &t), "{} holds {t:?}", path.display());
            }
        }
    }
}

#[test]
fn a_worker_with_a_record_left_is_kept() {
    let f = fixture();
    // Destroy only the first two: the interview still names the worker.
    let report = f.store.destroy(&f.due[..2], "保存期間満了", today()).unwrap();
    assert_eq!(report.workers_deleted, 0);
    assert_eq!(f.store.get_worker(&f.gone).unwrap().data.name, WORKER_GONE);
    let report = f.store.destroy(&f.due[2..], "保存期間満了", today()).unwrap();
    assert_eq!(report.workers_deleted, 1);
    assert!(f.store.verify().unwrap().ok);
}

#[test]
fn an_abandoned_draft_is_due_five_years_after_it_was_last_touched() {
    let f = fixture();
    let wp = f.store.get_worker(&f.kept).unwrap().data.workplace_id;
    let draft = f.store.create_record(&RecordBody::Consultation(consultation(&f.store, &wp, &f.kept, Date::ymd(2019, 3, 1).unwrap(), "書きかけ"))).unwrap();
    // Dated 2019, but touched today: not due.
    assert!(!f.store.retention_due(today()).unwrap().iter().any(|i| i.record_id == draft));
    assert!(matches!(f.store.destroy(std::slice::from_ref(&draft), "保存期間満了", today()), Err(Error::StillRetained { .. })));
    let dir = dir(&f.tmp);
    let Fixture { tmp: _tmp, store, kept, .. } = f;
    drop(store);
    // Last touched in May 2019.
    let conn = raw_connection(&dir, &Passphrase::new(PASS)).unwrap();
    conn.execute("UPDATE records SET created_at = '2019-05-01T09:00:00.000Z', updated_at = '2019-05-01T09:00:00.000Z' WHERE id = ?1", [&draft]).unwrap();
    drop(conn);
    let store = Store::open(&dir, &Passphrase::new(PASS)).unwrap();
    let item = store.retention_due(today()).unwrap().into_iter().find(|i| i.record_id == draft).expect("the abandoned draft is due");
    assert_eq!((item.status, item.ledger_number, item.retain_until), (RecordStatus::Draft, None, Date::ymd(2024, 5, 1).unwrap()));
    let report = store.destroy(std::slice::from_ref(&draft), "放置された下書きの廃棄", today()).unwrap();
    assert_eq!((report.destroyed[0].ledger_number, report.workers_deleted), (None, 0));
    assert!(store.get_worker(&kept).is_ok(), "the worker still has a record");
    assert!(store.verify().unwrap().ok);
}

/// Everything the store holds that a destruction would change: the records, the ledger and the
/// 廃棄記録.
fn snapshot(s: &Store) -> (Vec<RecordSummary>, Vec<String>, usize) {
    (all(s), ledger_ids(s, LedgerKind::Consultation), s.destructions().unwrap().len())
}

#[test]
fn a_record_the_centre_never_received_is_held_on_an_enrolled_device() {
    use chisanpo_core::delivery::FolderTransport;
    use chisanpo_core::domain::retention::HELD_UNDELIVERED;
    let f = fixture();
    let s = &f.store;
    // Not enrolled: there is no centre to wait for; the due records may be destroyed.
    assert!(s.retention_due(today()).unwrap().iter().all(|i| i.held.is_none()), "nothing is held before enrolment");

    let centre = Store::init_with(
        &f.tmp.path().join("centre"),
        &Passphrase::new(PASS),
        &Staff { role: Some(StaffRole::ChiefCoordinator), name: "統括 花子".into(), ..Default::default() },
        KdfParams::MINIMUM,
    )
    .unwrap()
    .0;
    let profile = centre.centre_init("北部地域産業保健センター", None).unwrap();
    assert!(profile.receipt_key.is_some(), "the centre signs receipts");
    let request = s.enrol(&profile).unwrap();

    // Listed as due, but held, with the reason; destroy refuses the whole request by id only.
    let refused = |what: &str| {
        let due = s.retention_due(today()).unwrap();
        assert_eq!(due.iter().map(|i| i.record_id.as_str()).collect::<Vec<_>>(), f.due.iter().map(String::as_str).collect::<Vec<_>>(), "{what}");
        assert!(due.iter().all(|i| i.held.as_deref() == Some(HELD_UNDELIVERED)), "{what}: {due:?}");
        let before = snapshot(s);
        let err = s.destroy(&f.due, "保存期間（5年）満了のため", today()).unwrap_err();
        assert!(matches!(&err, Error::RetentionHeld { count: 3, .. }), "{what}: {err:?}");
        assert_eq!(err.code(), "retention_held");
        let msg = err.to_string();
        assert!(msg.contains("センターに届いていない") && msg.contains("何も廃棄していません"), "{msg}");
        for id in &f.due {
            assert!(msg.contains(id.as_str()), "{what}: the message names {id}: {msg}");
        }
        for secret in [WORKER_GONE, "御手洗", HEALTH_GONE, "山田製作所"] {
            assert!(!msg.contains(secret), "{what}: the message names {secret}: {msg}");
        }
        assert_eq!(snapshot(s), before, "{what}: nothing destroyed");
        assert!(s.destructions().unwrap().is_empty());
        for id in &f.due {
            assert!(s.get_record(id).is_ok(), "{what}: {id} is still there");
        }
    };
    refused("queued, not sent");

    // Sent, but the centre has not applied it (it has not even enrolled the device yet): held.
    let folder = f.tmp.path().join("synced");
    std::fs::create_dir_all(&folder).unwrap();
    s.deliver(&FolderTransport::new(&folder)).unwrap();
    assert_eq!(s.outbox().unwrap().overview.unconfirmed, 5, "four versions of the due records and one of the recent one");
    refused("sent, no receipt");

    // The centre refuses the bundle of a device it did not enrol: still held.
    centre.centre_import(&folder).unwrap();
    s.deliver(&FolderTransport::new(&folder)).unwrap();
    refused("set aside at the centre");

    // The centre enrols the device and applies the bundle; the device reads the signed receipt.
    assert!(centre.centre_enrol_device(&request).unwrap());
    let r = centre.centre_import(&folder).unwrap();
    assert_eq!(r.versions_added, 5, "{r:?}");
    let r = s.deliver(&FolderTransport::new(&folder)).unwrap();
    assert_eq!(r.received.len(), 1, "{r:?}");
    let due = s.retention_due(today()).unwrap();
    assert_eq!(due.len(), 3);
    assert!(due.iter().all(|i| i.held.is_none()), "{due:?}");
    let report = s.destroy(&f.due, "保存期間（5年）満了のため", today()).unwrap();
    assert_eq!(report.destroyed.len(), 3);
    assert!(s.retention_due(today()).unwrap().is_empty());
    assert!(s.verify().unwrap().ok);
}

#[test]
fn a_record_finalised_less_than_five_years_ago_is_never_due_whatever_its_typed_date() {
    let f = fixture();
    let s = &f.store;
    let wp = s.get_worker(&f.kept).unwrap().data.workplace_id;
    // 平成7年 typed for 令和7年: performed "1995", finalised today.
    let typo = s.create_record(&RecordBody::Consultation(consultation(s, &wp, &f.kept, Date::ymd(1995, 6, 10).unwrap(), "年号を打ち間違えた記録"))).unwrap();
    s.finalise(&typo).unwrap();

    let due = s.retention_due(today()).unwrap();
    let item = due.iter().find(|i| i.record_id == typo).expect("its typed date is past 5 years: listed");
    assert_eq!(item.retain_until, Date::ymd(2000, 6, 10).unwrap());
    let why = item.held.as_deref().expect("held");
    assert!(why.contains("実施日と確定日が5年以上離れています") && why.contains("実施日を確かめてください"), "{why}");
    // The records finalised years ago are not held.
    assert!(due.iter().filter(|i| i.record_id != typo).all(|i| i.held.is_none()), "{due:?}");

    let before = snapshot(s);
    let err = s.destroy(std::slice::from_ref(&typo), "保存期間（5年）満了のため", today()).unwrap_err();
    assert!(matches!(&err, Error::RetentionHeld { count: 1, .. }), "{err:?}");
    assert!(err.to_string().contains(&typo) && err.to_string().contains("実施日を確かめてください"), "{err}");
    // With records that may go: nothing at all.
    let mut mixed = f.due.clone();
    mixed.push(typo.clone());
    assert!(matches!(s.destroy(&mixed, "保存期間（5年）満了のため", today()), Err(Error::RetentionHeld { count: 1, .. })));
    assert_eq!(snapshot(s), before);
    assert!(s.get_record(&typo).is_ok());

    // Five years after its 確定, the guard no longer holds it.
    let later = Date(chrono::Local::now().date_naive() + chrono::Days::new(5 * 366 + 1));
    assert!(s.retention_due(later).unwrap().iter().find(|i| i.record_id == typo).is_some_and(|i| i.held.is_none()));
}

/// A PDF made for printing a record does not outlive the record: destroying it empties the print
/// spool (ADR 0017). A copy the user saved elsewhere is left, and named in the report.
#[test]
fn a_printout_in_the_spool_is_removed_when_its_record_is_destroyed() {
    use chisanpo_core::forms::FormKind;
    let f = fixture();
    let opinion = f.store.print_to_spool(&f.due[2], FormKind::Opinion, None).unwrap();
    let record = f.store.print_to_spool(&f.due[0], FormKind::ConsultationRecord, None).unwrap();
    let kept = f.store.print_to_spool(&f.recent, FormKind::ConsultationRecord, None).unwrap();
    assert_eq!(f.store.spool().files().len(), 3);
    // Copies the user chose to save: the app leaves them, and names those of destroyed records.
    let copy = f.tmp.path().join("相談記録票の控え.pdf");
    f.store.print_form(&f.due[0], FormKind::ConsultationRecord, None, &copy).unwrap();
    let other = f.tmp.path().join("保存対象の控え.pdf");
    f.store.print_form(&f.recent, FormKind::ConsultationRecord, None, &other).unwrap();
    let report = f.store.destroy(&f.due, "保存期間（5年）満了のため", today()).unwrap();
    assert_eq!(report.saved_copies, [copy.display().to_string()]);
    assert!(copy.exists() && other.exists(), "a file the user placed is named, not deleted");
    // Its place (a file name may hold the worker's name) goes with the record; nothing of it is in
    // the audit log, which outlives the record.
    assert!(f.store.saved_copies_of(&f.due[0]).unwrap().is_empty());
    assert_eq!(f.store.saved_copies_of(&f.recent).unwrap(), [other.display().to_string()]);
    assert!(f.store.audit_trail(&f.due[0]).unwrap().iter().all(|e| !e.detail.to_string().contains("控え")), "a saved copy's name is in the audit log");
    for p in [&opinion.path, &record.path, &kept.path] {
        assert!(!Path::new(p).exists(), "{p} outlived the destruction");
    }
    assert!(f.store.spool().files().is_empty());
    assert!(f.store.spool().dir().exists(), "the spool itself stays, private");
}

/// A visit's photos go with it: destroyed at the end of retention (its versions carried them,
/// the store's photo table held them), while a photo another record still names stays.
#[test]
fn a_destroyed_visits_photos_are_destroyed_with_it() {
    use chisanpo_core::domain::{PhotoRef, Visit, VisitActivity};
    let f = fixture();
    let png = |shade: u8| {
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, 4, 4);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        e.write_header().unwrap().write_image_data(&[shade; 4 * 4 * 3]).unwrap();
        out
    };
    let only_old = f.store.add_photo(&png(10)).unwrap().sha256;
    let shared = f.store.add_photo(&png(200)).unwrap().sha256;
    let wp = f.store.search_workplaces("", 1).unwrap()[0].id.clone();
    let visit = |on: Date, photos: Vec<String>| Visit {
        visited_on: Some(on),
        workplace_id: Some(wp.clone()),
        doctor_id: Some(f.store.actor().id.clone()),
        activities: vec![VisitActivity::WorkplacePatrol],
        photos: photos.into_iter().map(|sha256| PhotoRef { sha256, caption: String::new() }).collect(),
        ..Default::default()
    };
    let old = f.store.create_record(&RecordBody::Visit(visit(Date::ymd(2019, 7, 1).unwrap(), vec![only_old.clone(), shared.clone()]))).unwrap();
    f.store.finalise(&old).unwrap();
    let recent = f.store.create_record(&RecordBody::Visit(visit(Date::ymd(2024, 7, 1).unwrap(), vec![shared.clone()]))).unwrap();
    f.store.finalise(&recent).unwrap();
    f.store.write(|tx| Store::backdate_finalised_in(tx, &old)).unwrap();
    f.store.destroy(std::slice::from_ref(&old), "保存期間（5年）満了のため", today()).unwrap();
    assert!(f.store.photo(&only_old).is_err(), "the destroyed visit's own photo is gone");
    assert!(f.store.photo(&shared).is_ok(), "a photo the kept visit names stays");

    // A draft discarded takes the photos only it named.
    let draft_only = f.store.add_photo(&png(99)).unwrap().sha256;
    let draft = f.store.create_record(&RecordBody::Visit(visit(Date::ymd(2025, 7, 1).unwrap(), vec![draft_only.clone()]))).unwrap();
    f.store.discard_draft(&draft).unwrap();
    assert!(f.store.photo(&draft_only).is_err(), "a discarded draft's photo is gone");
}
