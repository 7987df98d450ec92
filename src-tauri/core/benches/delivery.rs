//! Delivery benchmarks (issue 7): bundle and deliver 10,000 finalised records from a device to
//! a folder; import them at the centre; and import the 100,000-record store's finalised
//! versions into a centre store (one timed run: it takes a while).
//!
//! `cargo bench -p chisanpo-core --bench delivery`

mod fixture;
#[cfg(unix)]
#[path = "../tests/delivery_common/postgres.rs"]
mod pg_server;

use std::path::Path;
use std::time::Instant;

use chisanpo_core::delivery::{CentreProfile, FolderTransport};
use chisanpo_core::demo;
use chisanpo_core::domain::{Staff, StaffRole};
use chisanpo_core::prelude::*;
use chisanpo_core::store::{KdfParams, Passphrase, Store};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

const PASS: &str = "benchmark passphrase";
/// About 10,000 of these are finalised (the demo leaves 8 % as drafts).
const DEVICE_RECORDS: usize = 10_870;

fn store_at(dir: &Path, name: &str) -> Store {
    let me = Staff { role: Some(StaffRole::Doctor), name: name.into(), ..Default::default() };
    Store::init_with(dir, &Passphrase::new(PASS), &me, KdfParams::MINIMUM).expect("init").0
}

fn centre_at(dir: &Path) -> (Store, CentreProfile) {
    let c = store_at(dir, "ベンチ センター");
    let p = c.centre_init("ベンチ地域産業保健センター", None).expect("centre init");
    (c, p)
}

/// A device store with ~10,000 finalised records, enrolled (everything queued), and a copy of
/// its folder before enrolment to start each sample from.
fn device(root: &Path) -> std::path::PathBuf {
    let dir = root.join("device-template");
    let s = store_at(&dir, "ベンチ 医師");
    let start = Instant::now();
    let sum = demo::generate(&s, DEVICE_RECORDS, 11).expect("demo");
    eprintln!("device: {} records ({} finalised) made in {:.1} s", sum.records, sum.finalised, start.elapsed().as_secs_f64());
    drop(s);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn benches(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let template = device(root);
    let (centre, profile) = centre_at(&root.join("centre"));

    // One timed run: enrol (queues every version), bundle, deliver; then the centre imports.
    let dev_dir = root.join("device-1");
    copy_dir(&template, &dev_dir);
    let dev = Store::open(&dev_dir, &Passphrase::new(PASS)).unwrap();
    let start = Instant::now();
    let req = dev.enrol(&profile).unwrap();
    let enrol = start.elapsed();
    centre.centre_enrol_device(&req).unwrap();
    let out = root.join("outbox-1");
    std::fs::create_dir_all(&out).unwrap();
    let start = Instant::now();
    let made = dev.make_bundles().unwrap();
    let bundling = start.elapsed();
    let start = Instant::now();
    let r = dev.deliver(&FolderTransport::new(&out)).unwrap();
    let sending = start.elapsed();
    let bytes: u64 = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    eprintln!(
        "bundle and deliver {} entries: enrol (queue) {:.2} s, {} bundles made in {:.2} s, written to a folder in {:.2} s; {:.1} MB in all",
        r.entries_sent,
        enrol.as_secs_f64(),
        made,
        bundling.as_secs_f64(),
        sending.as_secs_f64(),
        bytes as f64 / 1e6
    );
    // Keep a copy of the centre as it was before importing, for the samples below.
    drop(centre);
    let pristine = root.join("centre-pristine");
    copy_dir(&root.join("centre"), &pristine);
    let centre = Store::open(&root.join("centre"), &Passphrase::new(PASS)).unwrap();
    let start = Instant::now();
    let imp = centre.centre_import(&out).unwrap();
    eprintln!(
        "centre import of {} versions in {} bundles: {:.2} s ({} receipts written)",
        imp.versions_added,
        imp.bundles_applied.len(),
        start.elapsed().as_secs_f64(),
        imp.receipts_written
    );

    let mut g = c.benchmark_group("delivery_10k");
    g.sample_size(10);
    let mut n = 0;
    g.bench_function("bundle_and_deliver_to_folder", |b| {
        b.iter_batched(
            || {
                n += 1;
                let d = root.join(format!("device-b{n}"));
                copy_dir(&template, &d);
                let s = Store::open(&d, &Passphrase::new(PASS)).unwrap();
                s.enrol(&profile).unwrap();
                let out = root.join(format!("outbox-b{n}"));
                std::fs::create_dir_all(&out).unwrap();
                (s, out)
            },
            |(s, out)| s.deliver(&FolderTransport::new(&out)).unwrap(),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("centre_import_from_folder", |b| {
        b.iter_batched(
            || {
                n += 1;
                let d = root.join(format!("centre-b{n}"));
                copy_dir(&pristine, &d);
                Store::open(&d, &Passphrase::new(PASS)).unwrap()
            },
            |c| c.centre_import(&out).unwrap(),
            BatchSize::PerIteration,
        )
    });
    g.finish();

    // The 100,000-record store's finalised versions into a fresh centre (one timed run).
    let f = fixture::fixture();
    let (big_centre, big_profile) = centre_at(&root.join("centre-100k"));
    let start = Instant::now();
    let req = f.store.enrol(&big_profile).unwrap();
    big_centre.centre_enrol_device(&req).unwrap();
    let out = root.join("outbox-100k");
    std::fs::create_dir_all(&out).unwrap();
    let r = f.store.deliver(&FolderTransport::new(&out)).unwrap();
    eprintln!("100k store: {} entries bundled and delivered in {:.1} s", r.entries_sent, start.elapsed().as_secs_f64());
    let start = Instant::now();
    let imp = big_centre.centre_import(&out).unwrap();
    let took = start.elapsed().as_secs_f64();
    eprintln!(
        "centre import (SQLite) of {} versions in {} bundles: {:.1} s ({:.0} versions/s)",
        imp.versions_added,
        imp.bundles_applied.len(),
        took,
        imp.versions_added as f64 / took
    );
    // Every consolidated row against the payloads its devices signed (ADR 0026).
    {
        use chisanpo_core::delivery::consolidation::Consolidation;
        let start = Instant::now();
        let check = chisanpo_core::delivery::consolidation::sqlite::SqliteConsolidation(&big_centre).check_proofs().unwrap();
        assert!(check.ok, "{:?}", check.problems);
        eprintln!(
            "check_proofs (SQLite) over {} payloads and {} versions: {:.1} s",
            check.payloads_checked,
            check.versions_checked,
            start.elapsed().as_secs_f64()
        );
    }

    // What the app does every 2 minutes and on every home-screen poll, at this size: the centre
    // imports again with nothing new (names that carry their hash are skipped unread; the
    // older names without it are read and hashed, as every name was before), and the laptop's
    // home screen reads its delivery overview over 95,000 outbox entries.
    let legacy = root.join("outbox-100k-legacy-names");
    std::fs::create_dir_all(&legacy).unwrap();
    for e in std::fs::read_dir(&out).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(p) = chisanpo_core::delivery::bundle::parse_name(&name) {
            let old = format!("{}-{:08}.{}", p.device_id, p.seq, chisanpo_core::delivery::BUNDLE_EXTENSION);
            std::fs::copy(out.join(&name), legacy.join(&old)).unwrap();
            std::fs::copy(out.join(format!("{name}.sha256")), legacy.join(format!("{old}.sha256"))).unwrap();
        }
    }
    big_centre.centre_import(&legacy).unwrap();
    let mut g = c.benchmark_group("delivery_100k");
    g.sample_size(10);
    g.bench_function("centre_import_again_nothing_new", |b| b.iter(|| assert!(big_centre.centre_import(&out).unwrap().bundles_applied.is_empty())));
    g.bench_function("centre_import_again_nothing_new_names_without_hash", |b| {
        b.iter(|| assert!(big_centre.centre_import(&legacy).unwrap().bundles_applied.is_empty()))
    });
    g.bench_function("device_delivery_overview", |b| b.iter(|| f.store.delivery_overview(chrono::Utc::now()).unwrap()));
    g.finish();

    // The same bundles into PostgreSQL on 127.0.0.1 (one timed run).
    #[cfg(unix)]
    {
        use chisanpo_core::delivery::consolidation::postgres::PgConsolidation;
        let pg = pg_server::PgServer::start();
        let url = pg.database("bench");
        let mut db = PgConsolidation::connect(&url, &big_centre).unwrap();
        big_centre.centre_enrol_device_into(&req, &mut db).unwrap();
        let start = Instant::now();
        let imp = big_centre.centre_import_into(&FolderTransport::new(&out), &mut db).unwrap();
        let took = start.elapsed().as_secs_f64();
        eprintln!(
            "centre import (PostgreSQL) of {} versions in {} bundles: {:.1} s ({:.0} versions/s)",
            imp.versions_added,
            imp.bundles_applied.len(),
            took,
            imp.versions_added as f64 / took
        );
        use chisanpo_core::delivery::consolidation::Consolidation;
        let start = Instant::now();
        let check = db.check_proofs().unwrap();
        assert!(check.ok, "{:?}", check.problems);
        eprintln!(
            "check_proofs (PostgreSQL) over {} payloads and {} versions: {:.1} s",
            check.payloads_checked,
            check.versions_checked,
            start.elapsed().as_secs_f64()
        );
    }
}

criterion_group!(delivery, benches);
criterion_main!(delivery);
