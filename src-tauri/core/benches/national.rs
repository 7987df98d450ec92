//! National scale on PostgreSQL (issue 18): 1,000,000 consolidated versions, made from the
//! 100,000-record fixture's finalised versions sent again by many synthetic devices (each with its
//! own key and its own record ids), imported into a PostgreSQL server on 127.0.0.1 that flushes
//! every commit (`fsync` on); then a fiscal year's 台帳 exported as XLSX and the annual report
//! computed over them, the database's size, and the server's plans for both queries.
//!
//! One timed run each (minutes, not samples): `cargo bench -p chisanpo-core --bench national`.
//! `CHISANPO_NATIONAL_VERSIONS` sets the number of versions (default 1,000,000).

mod fixture;
#[cfg(unix)]
#[path = "../tests/delivery_common/postgres.rs"]
mod pg_server;

/// How many versions are imported into both stores, side by side.
#[cfg(unix)]
const SIDE_BY_SIDE: usize = 100_000;

#[cfg(unix)]
fn main() {
    use std::collections::HashMap;
    use std::time::Instant;

    use chisanpo_core::delivery::bundle::{self, Entry, Payload};
    use chisanpo_core::delivery::consolidation::postgres::PgConsolidation;
    use chisanpo_core::delivery::keys::DeviceKey;
    use chisanpo_core::delivery::{EnrolmentRequest, FolderTransport, FORMAT};
    use chisanpo_core::domain::{RecordStatus, Staff, StaffRole};
    use chisanpo_core::ledger::export::{CsvEncoding, ExportFormat};
    use chisanpo_core::ledger::{LedgerFilter, LedgerKind};
    use chisanpo_core::prelude::*;
    use chisanpo_core::store::audit::sha256_hex;
    use chisanpo_core::store::{KdfParams, ListFilter, Passphrase, Store};

    let target: usize = std::env::var("CHISANPO_NATIONAL_VERSIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();

    // The versions one device sends: every finalised version of the fixture's records.
    let f = fixture::fixture();
    let start = Instant::now();
    let summaries = f.store.list_records(&ListFilter { status: Some(RecordStatus::Final), ..Default::default() }).unwrap();
    let mut templates: Vec<(String, u32, String, String)> = Vec::new();
    for s in &summaries {
        let kind = serde_json::to_value(s.kind).unwrap().as_str().unwrap().to_string();
        for v in 1..=s.version {
            let content = serde_json::to_string(&f.store.get_version(&s.id, v).unwrap()).unwrap();
            templates.push((s.id.clone(), v, kind.clone(), content));
        }
    }
    eprintln!("{} versions of {} records read from the fixture in {:.1} s", templates.len(), summaries.len(), start.elapsed().as_secs_f64());

    // The centre, and the devices' bundles in one folder.
    let me = Staff { role: Some(StaffRole::Coordinator), name: "全国 集計".into(), ..Default::default() };
    let centre = Store::init_with(&root.join("centre"), &Passphrase::new(fixture::PASS), &me, KdfParams::MINIMUM).unwrap().0;
    let profile = centre.centre_init("全国集計センター", None).unwrap();
    // The first 100,000 versions go to a folder of their own, imported into both stores side by side.
    let first = root.join("bundles-first-100k");
    let folder = root.join("bundles-rest");
    std::fs::create_dir_all(&first).unwrap();
    std::fs::create_dir_all(&folder).unwrap();
    let devices = target.div_ceil(templates.len());
    let start = Instant::now();
    let mut requests = Vec::new();
    let mut made = 0usize;
    let mut bytes_written = 0u64;
    'devices: for d in 0..devices {
        let key = DeviceKey::generate();
        let device = uuid::Uuid::now_v7().to_string();
        requests.push(EnrolmentRequest::signed(&key, &profile.centre_id, device.clone(), format!("端末 {d:03}")));
        let mut ids: HashMap<&str, String> = HashMap::new();
        let mut seq = 0u64;
        let mut entries: Vec<Entry> = Vec::new();
        let mut weight = 0usize;
        let mut flush = |entries: &mut Vec<Entry>, seq: &mut u64, made: usize| {
            *seq += 1;
            let payload = Payload {
                format: FORMAT,
                centre_id: profile.centre_id.clone(),
                device_id: device.clone(),
                seq: *seq,
                created_at: chisanpo_core::store::now(),
                entries: std::mem::take(entries),
                anchor: None,
            };
            let sealed = bundle::seal(&payload, &key, &profile.recipient).unwrap();
            let name = bundle::file_name(&device, *seq, &sha256_hex(&sealed));
            let to = if made <= SIDE_BY_SIDE { &first } else { &folder };
            std::fs::write(to.join(&name), &sealed).unwrap();
            std::fs::write(to.join(bundle::hash_file_name(&name)), sha256_hex(&sealed)).unwrap();
            bytes_written += sealed.len() as u64;
        };
        for (id, version, kind, content) in &templates {
            let record_id = ids.entry(id.as_str()).or_insert_with(|| uuid::Uuid::now_v7().to_string()).clone();
            let e = Entry {
                entry_type: "version".into(),
                record_id,
                version: *version,
                kind: kind.clone(),
                content_hash: sha256_hex(content.as_bytes()),
                content: content.clone(),
                reason: (*version > 1).then(|| "訂正".to_string()),
                author_id: device.clone(),
                author_name: "ベンチ 医師".into(),
                created_at: chisanpo_core::store::now(),
            };
            let w = bundle::weight(&e);
            if !entries.is_empty() && weight + w > bundle::MAX_ENTRIES_WEIGHT {
                flush(&mut entries, &mut seq, made);
                weight = 0;
            }
            weight += w;
            entries.push(e);
            made += 1;
            if made == target || made == SIDE_BY_SIDE {
                flush(&mut entries, &mut seq, made);
                weight = 0;
                if made == target {
                    break 'devices;
                }
            }
        }
        if !entries.is_empty() {
            flush(&mut entries, &mut seq, made);
        }
    }
    let files = (std::fs::read_dir(&first).unwrap().count() + std::fs::read_dir(&folder).unwrap().count()) / 2;
    eprintln!(
        "{made} versions from {devices} devices sealed into {files} bundles ({:.1} GB) in {:.1} s",
        bytes_written as f64 / 1e9,
        start.elapsed().as_secs_f64()
    );

    // The first 100,000 versions into the embedded store and into PostgreSQL, side by side.
    let pg = pg_server::PgServer::start_durable();
    let url = pg.database("national");
    let mut db = PgConsolidation::connect(&url, &centre).unwrap();
    for req in &requests {
        centre.centre_enrol_device(req).unwrap();
        centre.centre_enrol_device_into(req, &mut db).unwrap();
    }
    let rate = |what: &str, imp: &chisanpo_core::delivery::import::ImportReport, took: f64| {
        eprintln!(
            "import into {what}: {} versions in {} bundles, {took:.1} s ({:.0} versions/s)",
            imp.versions_added,
            imp.bundles_applied.len(),
            imp.versions_added as f64 / took
        );
    };
    let start = Instant::now();
    let imp = centre.centre_import(&first).unwrap();
    rate("the embedded store (SQLite)", &imp, start.elapsed().as_secs_f64());
    let start = Instant::now();
    let imp = centre.centre_import_into(&FolderTransport::new(&first), &mut db).unwrap();
    rate("PostgreSQL", &imp, start.elapsed().as_secs_f64());
    let first_added = imp.versions_added;

    // The rest, into PostgreSQL only.
    let start = Instant::now();
    let imp = centre.centre_import_into(&FolderTransport::new(&folder), &mut db).unwrap();
    let took = start.elapsed().as_secs_f64();
    assert_eq!(first_added + imp.versions_added, made, "{:?}", imp.quarantined);
    rate(&format!("PostgreSQL holding {first_added} versions already"), &imp, took);
    let size = db.database_size().unwrap();
    eprintln!("database size: {:.2} GB", size as f64 / 1e9);

    // The busiest fiscal year's reports over the whole database.
    let mut years: HashMap<i32, usize> = HashMap::new();
    for s in &summaries {
        if let Some(fy) = s.fiscal_year {
            *years.entry(fy).or_default() += 1;
        }
    }
    let (fy, _) = years.into_iter().max_by_key(|&(fy, n)| (n, fy)).unwrap();
    for kind in [LedgerKind::Interview, LedgerKind::Consultation] {
        let start = Instant::now();
        let out = root.join(format!("ledger-{}.xlsx", kind.as_str()));
        let filter = LedgerFilter { fiscal_year: Some(fy), ..Default::default() };
        let r = centre.export_ledger_from(&mut db, kind, &filter, ExportFormat::Xlsx, CsvEncoding::default(), &out).unwrap();
        eprintln!("FY{fy} {} ledger as XLSX: {} rows, {:.1} MB, in {:.1} s", kind.as_str(), r.rows, r.bytes as f64 / 1e6, start.elapsed().as_secs_f64());
    }
    let start = Instant::now();
    let annual = centre.annual_report_from(&mut db, fy).unwrap();
    eprintln!(
        "FY{fy} annual report: {} consultations, {} interviews counted, in {:.1} s",
        annual.consultations.records.value,
        annual.interviews.records.value,
        start.elapsed().as_secs_f64()
    );
    let (ledger_plan, annual_plan) = db.explain_reports(LedgerKind::Interview, fy).unwrap();
    eprintln!("plan of the FY{fy} interview ledger:\n{ledger_plan}\n\nplan of the FY{fy} annual report's rows:\n{annual_plan}");
}

#[cfg(not(unix))]
fn main() {}
