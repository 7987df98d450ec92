//! 訪問指導・職場巡視 in a real encrypted store (issue 16): the visit has the lifecycle of every
//! record (draft, 確定 with a 台帳 number, 訂正 with a reason), the consultations of the same trip
//! must be of the same workplace, day and place, a follow-up names a real earlier finding, and the
//! open findings are those no later visit recorded as 改善済.

use chisanpo_core::domain::*;
use chisanpo_core::store::visits::FindingFilter;
use chisanpo_core::store::{KdfParams, Passphrase, Store};
use chisanpo_core::Error;

struct Fixture {
    _tmp: tempfile::TempDir,
    store: Store,
    workplace: String,
    other_workplace: String,
    worker: String,
}

fn d(s: &str) -> Option<Date> {
    Some(s.parse().unwrap())
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let profile = Staff { role: Some(StaffRole::Doctor), name: "産業 一郎".into(), affiliation: "さんぽクリニック".into(), ..Default::default() };
    let store = Store::init_with(&tmp.path().join("data"), &Passphrase::new("訪問指導テストのパスフレーズ"), &profile, KdfParams::MINIMUM).unwrap().0;
    let workplace = store.add_workplace(&Workplace { name: "山田製作所".into(), ..Default::default() }).unwrap();
    let other_workplace = store.add_workplace(&Workplace { name: "川上運送".into(), ..Default::default() }).unwrap();
    let worker = store.add_worker(&Worker { workplace_id: workplace.clone(), name: "佐藤 花子".into(), ..Default::default() }).unwrap();
    Fixture { _tmp: tmp, store, workplace, other_workplace, worker }
}

impl Fixture {
    fn visit(&self, on: &str, findings: Vec<Finding>) -> Visit {
        Visit {
            visited_on: d(on),
            workplace_id: Some(self.workplace.clone()),
            doctor_id: Some(self.store.actor().id.clone()),
            activities: vec![VisitActivity::WorkplacePatrol],
            findings,
            ..Default::default()
        }
    }

    fn finding(&self, what: &str, due: &str) -> Finding {
        Finding {
            category: Some(FindingCategory::WorkEnvironment),
            priority: Some(FindingPriority::High),
            place: "塗装場".into(),
            observation: what.into(),
            advice: "点検すること。".into(),
            due_on: d(due),
        }
    }

    fn finalised(&self, v: Visit) -> String {
        let id = self.store.create_record(&RecordBody::Visit(v)).unwrap();
        self.store.finalise(&id).unwrap();
        id
    }

    fn consultation_on(&self, on: &str, place: Place, workplace: &str) -> String {
        let c = Consultation {
            performed_on: d(on),
            place: Some(place),
            doctor_id: Some(self.store.actor().id.clone()),
            workplace_id: Some(workplace.to_string()),
            requester: Some(Requester::Employer),
            kinds: vec![ConsultationKind::OpinionHearing],
            subject_count: Some(2),
            ..Default::default()
        };
        self.store.create_record(&RecordBody::Consultation(c)).unwrap()
    }

    fn final_consultation_on(&self, on: &str, place: Place, workplace: &str) -> String {
        let id = self.consultation_on(on, place, workplace);
        self.store.finalise(&id).unwrap();
        id
    }
}

fn fields(e: Error) -> Vec<String> {
    match e {
        Error::Invalid(v) => v.into_iter().map(|x| x.field).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_visit_is_drafted_finalised_numbered_and_corrected_with_a_reason() {
    let f = fixture();
    let id = f.store.create_record(&RecordBody::Visit(Visit { visited_on: d("2025-09-03"), ..Default::default() })).unwrap();
    assert_eq!(f.store.get_record(&id).unwrap().summary.status, RecordStatus::Draft);
    let e = f.store.finalise(&id).unwrap_err();
    assert!(fields(e).contains(&"activities".to_string()), "an incomplete visit is not finalised");
    let v = f.visit("2025-09-03", vec![f.finding("局所排気装置の吸込みが弱い", "2025-10-31")]);
    f.store.save_draft(&id, &RecordBody::Visit(v.clone())).unwrap();
    assert_eq!(f.store.finalise(&id).unwrap(), 1);
    let view = f.store.get_record(&id).unwrap();
    assert_eq!(view.summary.kind, RecordKind::Visit);
    assert_eq!(view.summary.place, Some(Place::WorkplaceVisit), "a visit is held at the workplace");
    assert_eq!(view.summary.fiscal_year, Some(2025));
    let snap = &view.current.as_ref().unwrap().snapshot;
    assert_eq!(snap.workplace.as_ref().unwrap().name, "山田製作所");
    assert_eq!(snap.doctor.as_ref().unwrap().name, "産業 一郎");
    let number = f.store.read(|c| chisanpo_core::store::records::ledger_number(c, &id)).unwrap();
    assert_eq!(number, Some((2025, 1)), "the 訪問指導 台帳 numbers from 1 in its fiscal year");

    let mut changed = v.clone();
    changed.comment = "次回は3月に確認します。".into();
    assert!(matches!(f.store.amend(&id, &RecordBody::Visit(changed.clone()), " ").unwrap_err(), Error::ReasonRequired));
    assert_eq!(f.store.amend(&id, &RecordBody::Visit(changed), "総評の追記").unwrap(), 2);
    assert_eq!(f.store.history(&id).unwrap().len(), 2, "the first version stays");
    assert_eq!(f.store.get_version(&id, 1).unwrap().body, RecordBody::Visit(v), "and is unchanged");
}

#[test]
fn the_visitors_are_frozen_in_the_snapshot() {
    let f = fixture();
    let nurse = f.store.add_staff(&Staff { role: Some(StaffRole::Nurse), name: "保健 花子".into(), ..Default::default() }).unwrap();
    let mut v = f.visit("2025-09-03", Vec::new());
    v.visitors = vec![
        Visitor { role: Some(VisitorRole::Nurse), staff_id: Some(nurse.clone()), name: String::new() },
        Visitor { role: Some(VisitorRole::Engineer), staff_id: None, name: "衛生 次郎".into() },
    ];
    let id = f.finalised(v.clone());
    let names: Vec<String> = f.store.get_record(&id).unwrap().current.unwrap().snapshot.visitors.into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["保健 花子", "衛生 次郎"]);
    v.visitors[0].staff_id = Some("no-such-staff".into());
    let e = f.store.create_record(&RecordBody::Visit(v)).unwrap_err();
    assert!(fields(e).contains(&"visitors[0].staff_id".to_string()));
}

#[test]
fn a_linked_consultation_must_be_of_the_same_trip() {
    let f = fixture();
    let same = f.final_consultation_on("2025-09-03", Place::WorkplaceVisit, &f.workplace);
    let at_clinic = f.final_consultation_on("2025-09-03", Place::MedicalInstitution, &f.workplace);
    let other_day = f.final_consultation_on("2025-09-04", Place::WorkplaceVisit, &f.workplace);
    let other_place = f.final_consultation_on("2025-09-03", Place::WorkplaceVisit, &f.other_workplace);
    let mut v = f.visit("2025-09-03", Vec::new());
    v.consultation_ids = vec![same.clone(), at_clinic, other_day, other_place, f.worker.clone()];
    // A draft may hold what is not yet consistent, but not what does not exist.
    let e = f.store.create_record(&RecordBody::Visit(v.clone())).unwrap_err();
    assert_eq!(fields(e), ["consultation_ids[4]"], "a worker's id is not a consultation");
    v.consultation_ids.pop();
    let id = f.store.create_record(&RecordBody::Visit(v.clone())).unwrap();
    let e = f.store.finalise(&id).unwrap_err();
    let msg = e.to_string();
    assert_eq!(fields(e), ["consultation_ids[1]", "consultation_ids[2]", "consultation_ids[3]"], "{msg}");
    v.consultation_ids = vec![same.clone()];
    f.store.save_draft(&id, &RecordBody::Visit(v.clone())).unwrap();
    assert_eq!(f.store.finalise(&id).unwrap(), 1);

    // A consultation counts on one visit only, and only once it is finalised itself.
    let second = f.store.create_record(&RecordBody::Visit(v.clone())).unwrap();
    assert_eq!(fields(f.store.finalise(&second).unwrap_err()), ["consultation_ids[0]"], "already part of another visit");
    let draft = f.consultation_on("2025-09-03", Place::WorkplaceVisit, &f.workplace);
    v.consultation_ids = vec![draft];
    f.store.save_draft(&second, &RecordBody::Visit(v)).unwrap();
    let e = f.store.finalise(&second).unwrap_err().to_string();
    assert!(e.contains("まだ確定していません"), "{e}");

    // Corrected afterwards, the linked consultation keeps to the visit's day, workplace and place.
    let RecordBody::Consultation(c) = f.store.get_version(&same, 1).unwrap().body else { panic!("a consultation") };
    let moved = Consultation { performed_on: d("2025-09-05"), place: Some(Place::MedicalInstitution), ..c.clone() };
    let mut refused = fields(f.store.amend(&same, &RecordBody::Consultation(moved), "日付の誤り").unwrap_err());
    refused.sort();
    assert_eq!(refused, ["performed_on", "place"]);
    let notes = Consultation { notes: "後日追記".into(), ..c };
    assert_eq!(f.store.amend(&same, &RecordBody::Consultation(notes), "追記").unwrap(), 2, "other corrections are free");
}

#[test]
fn a_correction_cannot_mark_its_own_findings_improved() {
    let f = fixture();
    let v = f.visit("2025-09-03", vec![f.finding("表示がない", "2025-10-31")]);
    let id = f.finalised(v.clone());
    let mut own = v;
    own.follow_ups = vec![FindingFollowUp { visit_id: id.clone(), finding_no: 1, status: Some(ImprovementStatus::Improved), note: String::new() }];
    assert_eq!(fields(f.store.amend(&id, &RecordBody::Visit(own), "改善を記録").unwrap_err()), ["follow_ups[0]"]);
    assert_eq!(f.store.open_findings(&FindingFilter::default(), Date::ymd(2025, 11, 1).unwrap()).unwrap().len(), 1, "still open");
}

#[test]
fn follow_ups_name_a_real_earlier_finding_of_the_same_workplace() {
    let f = fixture();
    let first = f.finalised(f.visit("2025-03-12", vec![f.finding("換気が不十分", "2025-05-31")]));
    let draft_only = f.store.create_record(&RecordBody::Visit(f.visit("2025-04-01", Vec::new()))).unwrap();
    let mut elsewhere = f.visit("2025-03-20", vec![f.finding("通路に物が置かれている", "2025-04-30")]);
    elsewhere.workplace_id = Some(f.other_workplace.clone());
    let elsewhere = f.finalised(elsewhere);
    let mut next = f.visit("2025-09-03", Vec::new());
    let fu =
        |visit_id: &str, no: u32| FindingFollowUp { visit_id: visit_id.into(), finding_no: no, status: Some(ImprovementStatus::Partly), note: String::new() };
    next.follow_ups = vec![fu(&first, 2), fu(&draft_only, 1), fu(&elsewhere, 1), fu("nowhere", 1)];
    let e = f.store.create_record(&RecordBody::Visit(next.clone())).unwrap_err();
    assert_eq!(fields(e), ["follow_ups[0]", "follow_ups[1]", "follow_ups[2]", "follow_ups[3]"]);
    next.follow_ups = vec![fu(&first, 1)];
    let id = f.finalised(next);
    let followed = f.store.get_record(&id).unwrap().current.unwrap().snapshot.followed;
    assert_eq!(followed.len(), 1);
    assert_eq!((followed[0].observation.as_str(), followed[0].visited_on), ("換気が不十分", d("2025-03-12")), "the report can say what was followed up");
}

#[test]
fn open_findings_are_those_not_yet_improved_and_overdue_ones_are_marked() {
    let f = fixture();
    let first = f.finalised(
        f.visit("2025-03-12", vec![f.finding("換気が不十分", "2025-05-31"), f.finding("表示がない", "2025-12-31"), f.finding("重量物の手持ち", "2025-04-30")]),
    );
    // A draft's findings are not open: nothing was handed to the employer yet.
    f.store.create_record(&RecordBody::Visit(f.visit("2025-06-01", vec![f.finding("下書きの指摘", "2025-06-02")]))).unwrap();
    let today = d("2025-09-01").unwrap();
    let all = f.store.open_findings(&FindingFilter::default(), today).unwrap();
    assert_eq!(all.iter().map(|x| x.finding_no).collect::<Vec<_>>(), [3, 1, 2], "ordered by date due");
    assert_eq!(all.iter().filter(|x| x.overdue).count(), 2);
    assert_eq!(all[0].workplace_name.as_deref(), Some("山田製作所"));
    let overdue = f.store.open_findings(&FindingFilter { overdue_on: Some(today), ..Default::default() }, today).unwrap();
    assert_eq!(overdue.iter().map(|x| x.finding_no).collect::<Vec<_>>(), [3, 1]);

    // The next visit records one improved and one partly: the improved one closes.
    let mut next = f.visit("2025-09-03", Vec::new());
    next.follow_ups = vec![
        FindingFollowUp { visit_id: first.clone(), finding_no: 1, status: Some(ImprovementStatus::Improved), note: String::new() },
        FindingFollowUp { visit_id: first.clone(), finding_no: 3, status: Some(ImprovementStatus::Partly), note: "台車を1台導入".into() },
    ];
    let next_id = f.finalised(next);
    let open = f.store.open_findings(&FindingFilter { workplace_id: Some(f.workplace.clone()), ..Default::default() }, today).unwrap();
    assert_eq!(open.iter().map(|x| (x.finding_no, x.last_status)).collect::<Vec<_>>(), [(3, Some(ImprovementStatus::Partly)), (2, None)]);
    // While the next visit is being corrected, its own follow-ups do not hide what it follows.
    let editing = f.store.open_findings(&FindingFilter { except_visit: Some(next_id), ..Default::default() }, today).unwrap();
    assert_eq!(editing.len(), 3);
    let elsewhere = f.store.open_findings(&FindingFilter { workplace_id: Some(f.other_workplace.clone()), ..Default::default() }, today).unwrap();
    assert!(elsewhere.is_empty());
}

#[test]
fn a_visit_never_charges_a_fee_and_only_a_doctor_or_nurse_signs_its_report() {
    let f = fixture();
    let coordinator = f.store.add_staff(&Staff { role: Some(StaffRole::Coordinator), name: "調整 三恵".into(), ..Default::default() }).unwrap();
    let mut v = f.visit("2025-09-03", Vec::new());
    v.doctor_id = Some(coordinator);
    let id = f.store.create_record(&RecordBody::Visit(v)).unwrap();
    assert_eq!(fields(f.store.finalise(&id).unwrap_err()), ["doctor_id"]);
    let fee = chisanpo_core::domain::fees::assess(&RecordBody::Visit(f.visit("2025-09-03", Vec::new())), &[], 10_000);
    assert!(!fee.required, "{}", fee.reason);
}

/// The 訪問指導実施台帳: one line per finalised visit in number order, exported as XLSX and CSV
/// and read back by calamine and a CSV parser (which did not write them). A draft is not in it.
#[test]
fn the_visit_ledger_exports_and_reads_back() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    use chisanpo_core::ledger::export::{CsvEncoding, ExportFormat};
    use chisanpo_core::ledger::{LedgerFilter, LedgerKind};
    use chisanpo_core::prelude::*;
    let f = fixture();
    let first = f.finalised(f.visit("2025-05-12", vec![f.finding("換気が不十分", "2025-06-30")]));
    let mut second = f.visit("2025-09-03", vec![f.finding("表示がない", "2025-12-31"), f.finding("通路に物", "2025-10-31")]);
    second.visitors = vec![Visitor { role: Some(VisitorRole::Engineer), staff_id: None, name: "衛生 次郎".into() }];
    second.follow_ups = vec![FindingFollowUp { visit_id: first, finding_no: 1, status: Some(ImprovementStatus::Improved), note: String::new() }];
    f.finalised(second);
    f.store.create_record(&RecordBody::Visit(f.visit("2025-10-01", Vec::new()))).unwrap();

    let fy = LedgerFilter { fiscal_year: Some(2025), ..Default::default() };
    let table = f.store.ledger(LedgerKind::Visit, &fy).unwrap().table();
    assert_eq!(table.title, "訪問指導実施台帳");
    assert_eq!(table.rows.len(), 2, "the draft is not in the ledger");
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("visits.xlsx");
    let r = f.store.export_ledger(LedgerKind::Visit, &fy, ExportFormat::Xlsx, CsvEncoding::Utf8Bom, &xlsx).unwrap();
    assert_eq!(r.rows, 2);
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet.rows().flat_map(|r| r.iter().map(|c| if let Data::String(s) = c { s.clone() } else { c.to_string() })).collect();
    for want in ["訪問指導実施台帳", "番号", "訪問日", "同行者", "山田製作所", "衛生 次郎", "職場巡視", "産業 一郎"] {
        assert!(cells.iter().any(|c| c.contains(want)), "{want} is not in the XLSX: {cells:?}");
    }
    let csv_path = dir.path().join("visits.csv");
    f.store.export_ledger(LedgerKind::Visit, &fy, ExportFormat::Csv, CsvEncoding::Utf8Bom, &csv_path).unwrap();
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}: {headers:?}"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!((&rows[0][col("番号")], &rows[0][col("訪問日")], &rows[0][col("指摘事項")]), ("1", "2025-05-12", "1"));
    assert_eq!((&rows[1][col("番号")], &rows[1][col("指摘事項")], &rows[1][col("前回指摘の改善済")]), ("2", "2", "1"));
}

/// The annual figures include the visits: the consultation held on a visit counts as 事業場訪問,
/// and the supplementary counts (visits, first-time workplaces, improved findings) are beside the
/// 別添3 sheet, on a sheet of their own in the XLSX (read back by calamine).
#[test]
fn the_annual_report_counts_the_visits_beside_the_sheet() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    use chisanpo_core::ledger::annual::XLSX_VISITS_SHEET;
    use chisanpo_core::prelude::*;
    let f = fixture();
    let earlier = f.finalised(f.visit("2025-03-12", vec![f.finding("換気が不十分", "2025-05-31")]));
    let on_visit = f.final_consultation_on("2025-09-03", Place::WorkplaceVisit, &f.workplace);
    f.final_consultation_on("2025-09-10", Place::MedicalInstitution, &f.workplace);
    let mut next = f.visit("2025-09-03", vec![f.finding("表示がない", "2025-12-31"), f.finding("通路に物", "2025-10-31")]);
    next.consultation_ids = vec![on_visit.clone()];
    next.follow_ups = vec![FindingFollowUp { visit_id: earlier.clone(), finding_no: 1, status: Some(ImprovementStatus::Improved), note: String::new() }];
    let next = f.finalised(next);
    let mut elsewhere = f.visit("2025-10-01", Vec::new());
    elsewhere.workplace_id = Some(f.other_workplace.clone());
    let elsewhere = f.finalised(elsewhere);

    let annual = f.store.annual_report(2025).unwrap();
    let v = &annual.visits;
    assert_eq!(v.visits.ids, [next.clone(), elsewhere.clone()], "the FY2024 visit is not counted in FY2025");
    assert_eq!(v.first_time_workplaces.ids, [elsewhere], "山田製作所 was first visited in FY2024");
    assert_eq!((v.findings.value, v.findings_improved.value), (2, 1));
    assert_eq!(v.consultations_on_visits.ids, vec![on_visit.clone()]);
    assert_eq!(annual.workplace_visit_share.by_records.part.ids, [on_visit], "the visit's consultation is 事業場訪問");
    assert_eq!(annual.consultations.records.value, 2, "visits are not consultations");
    let per_month: Vec<(u32, u64)> = annual.by_month.iter().filter(|m| m.visits > 0).map(|m| (m.month, m.visits)).collect();
    assert_eq!(per_month, [(9, 1), (10, 1)], "each visit of the year in its month, for the chart");

    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("annual.xlsx");
    f.store.write_annual_report(2025, &xlsx, None).unwrap();
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert_eq!(book.sheet_names(), ["実績報告書", XLSX_VISITS_SHEET], "the 別添3 sheet stays first and alone in its sheet");
    let sheet = book.worksheet_range(XLSX_VISITS_SHEET).unwrap();
    let row = |label: &str| -> f64 {
        let r = sheet.rows().find(|r| matches!(&r[0], Data::String(s) if s == label)).unwrap_or_else(|| panic!("no row {label}"));
        match &r[1] {
            Data::Float(n) => *n,
            Data::Int(n) => *n as f64,
            other => panic!("{label}: {other:?}"),
        }
    };
    assert_eq!(row("訪問指導の回数"), 2.0);
    assert_eq!(row("うち初めて訪問した事業場の数"), 1.0);
    assert_eq!(row("前回までの指摘事項のうち改善済となった数"), 1.0);
}

/// A small PNG picture, as a camera app might save it.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = png::Encoder::new(&mut out, width, height);
    e.set_color(png::ColorType::Rgb);
    e.set_depth(png::BitDepth::Eight);
    let mut w = e.write_header().unwrap();
    let data: Vec<u8> = (0..width * height).flat_map(|i| [(i % 251) as u8, 90, 200]).collect();
    w.write_image_data(&data).unwrap();
    drop(w);
    out
}

/// Photos of the visit: kept normalised in the store, named in the visit, frozen as JPEGs into
/// the finalised version (so they travel with it); a photo the store does not hold, or a file
/// that is not a picture, is refused.
#[test]
fn a_visits_photos_are_kept_and_frozen_with_its_version() {
    use base64::Engine;
    use chisanpo_core::domain::PhotoRef;
    let f = fixture();
    let e = f.store.add_photo(b"%PDF-1.7").unwrap_err().to_string();
    assert!(e.contains("JPEG（.jpg）かPNG（.png）"), "{e}");
    let info = f.store.add_photo(&png(40, 30)).unwrap();
    assert_eq!((info.width, info.height), (40, 30));
    assert_eq!(f.store.add_photo(&png(40, 30)).unwrap().sha256, info.sha256, "the same photo is kept once");
    let mut v = f.visit("2025-09-03", Vec::new());
    v.photos = vec![PhotoRef { sha256: info.sha256.clone(), caption: "塗装場の局所排気装置".into() }];
    let mut missing = v.clone();
    missing.photos.push(PhotoRef { sha256: "0".repeat(64), caption: String::new() });
    assert_eq!(fields(f.store.create_record(&RecordBody::Visit(missing)).unwrap_err()), ["photos[1]"]);
    let id = f.finalised(v);
    let snap = f.store.get_record(&id).unwrap().current.unwrap().snapshot;
    assert_eq!(snap.photos.len(), 1);
    let jpeg = base64::engine::general_purpose::STANDARD.decode(&snap.photos[0].jpeg_base64).unwrap();
    assert_eq!(jpeg, f.store.photo(&info.sha256).unwrap(), "the version carries the kept JPEG");
    assert_eq!(chisanpo_core::store::audit::sha256_hex(&jpeg), info.sha256);
    assert!(jpeg.starts_with(&[0xFF, 0xD8]), "a JPEG");
}

/// A photo dropped from a draft goes at once, unless another record names it; one kept but never
/// put in any draft is swept away a day later, when the next photo is added.
#[test]
fn photos_no_record_names_are_not_kept() {
    use chisanpo_core::domain::PhotoRef;
    let f = fixture();
    let a = f.store.add_photo(&png(12, 9)).unwrap().sha256;
    let b = f.store.add_photo(&png(9, 12)).unwrap().sha256;
    let mut v = f.visit("2025-09-03", Vec::new());
    v.photos = vec![PhotoRef { sha256: a.clone(), caption: String::new() }, PhotoRef { sha256: b.clone(), caption: String::new() }];
    let id = f.store.create_record(&RecordBody::Visit(v.clone())).unwrap();
    v.photos.remove(0);
    f.store.save_draft(&id, &RecordBody::Visit(v.clone())).unwrap();
    assert!(f.store.photo(&a).is_err(), "the photo taken out of the draft is gone");
    assert!(f.store.photo(&b).is_ok());

    let stray = f.store.add_photo(&png(20, 20)).unwrap().sha256;
    f.store.write(|tx| Ok(tx.execute("UPDATE photos SET added_at = '2025-01-01T00:00:00.000Z'", [])?)).unwrap();
    f.store.add_photo(&png(21, 21)).unwrap();
    assert!(f.store.photo(&stray).is_err(), "a day-old photo no record names is swept");
    assert!(f.store.photo(&b).is_ok(), "a day-old photo the draft names stays");
}
