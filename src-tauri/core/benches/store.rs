//! Store benchmarks at the scale of a busy centre's five years: 100,000 records.
//!
//! `make bench` (= `cargo bench -p chisanpo-core`). The budget is in shared/design.md:
//! unlock < 1 s after key derivation, save a draft < 16 ms, search < 30 ms.

mod fixture;

use std::time::Duration;

use chisanpo_core::demo;
use chisanpo_core::domain::{RecordBody, RecordKind};
use chisanpo_core::prelude::*;
use chisanpo_core::store::{ListFilter, Passphrase, Store};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use fixture::{fixture, PASS};

fn benches(c: &mut Criterion) {
    let f = fixture();
    let s = &f.store;

    let mut g = c.benchmark_group("store_100k");
    g.sample_size(20);

    g.bench_function("list_one_fiscal_year", |b| b.iter(|| s.list_records(&ListFilter { fiscal_year: Some(2024), ..Default::default() }).unwrap()));
    g.bench_function("list_one_fiscal_year_interviews", |b| {
        b.iter(|| s.list_records(&ListFilter { fiscal_year: Some(2024), kind: Some(RecordKind::Interview), ..Default::default() }).unwrap())
    });
    g.bench_function("kana_search_hiragana", |b| b.iter(|| s.search_workers("やまだ", None, 50).unwrap()));
    g.bench_function("kana_search_halfwidth_no_hit", |b| b.iter(|| s.search_workers("ﾇﾇﾇ", None, 50).unwrap()));
    g.bench_function("workplace_search", |b| b.iter(|| s.search_workplaces("せいさくしょ", 50).unwrap()));
    g.bench_function("home_screen_lists", |b| {
        b.iter(|| {
            s.recent_records(20).unwrap();
            s.list_records(&ListFilter { drafts_only: true, limit: Some(20), ..Default::default() }).unwrap();
        })
    });
    // The home screen's deadlines: interviews not held, opinions overdue, fees awaiting, retention.
    let today = chisanpo_core::store::today();
    g.bench_function("home_deadlines", |b| b.iter(|| s.deadlines(today, 10).unwrap()));
    g.bench_function("home_deadlines_interviews", |b| b.iter(|| (s.interviews_pending(today, 10).unwrap(), s.opinions_overdue(today, 10).unwrap())));
    g.bench_function("home_deadlines_fees", |b| b.iter(|| s.fees_awaiting().unwrap()));
    g.bench_function("home_deadlines_retention", |b| b.iter(|| s.retention_due(today).unwrap()));
    g.bench_function("home_appointments", |b| b.iter(|| s.appointments(today, 10).unwrap()));
    // Everything the home screen reads after the key derivation (the `home` IPC command).
    g.bench_function("home_screen_after_unlock", |b| {
        b.iter(|| {
            s.profile().unwrap();
            s.record_count().unwrap();
            s.recent_records(20).unwrap();
            s.list_records(&ListFilter { drafts_only: true, limit: Some(20), ..Default::default() }).unwrap();
            s.search_workplaces("", 20).unwrap();
            s.backup_settings().unwrap();
            s.deadlines(today, 10).unwrap();
            s.appointments(today, 10).unwrap();
        })
    });

    let draft = s.list_records(&ListFilter { drafts_only: true, kind: Some(RecordKind::Consultation), limit: Some(1), ..Default::default() }).unwrap();
    let id = draft[0].id.clone();
    let RecordBody::Consultation(mut body) = s.get_record(&id).unwrap().draft.unwrap() else { panic!("a consultation draft") };
    let mut n = 0u64;
    g.bench_function("save_draft", |b| {
        b.iter(|| {
            n += 1;
            body.content = format!("自動保存のテスト {n}");
            s.save_draft(&id, &RecordBody::Consultation(body.clone())).unwrap()
        })
    });
    g.bench_function("open_record", |b| b.iter(|| s.get_record(&id).unwrap()));
    g.finish();

    let mut g = c.benchmark_group("store_100k_writes");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1000));
    let mut seed = 1000;
    g.bench_function("demo_insert_1000", |b| {
        b.iter_batched(
            || {
                seed += 1;
                seed
            },
            |seed| demo::generate(s, 1000, seed).unwrap(),
            BatchSize::PerIteration,
        )
    });
    g.finish();

    // 保存性: backing up and restoring a busy centre's five years.
    let mut g = c.benchmark_group("backup_100k");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(30));
    let out = tempfile::tempdir().expect("temp dir");
    let file = out.path().join("bench.chisanpo-backup");
    g.bench_function("backup", |b| b.iter(|| s.backup(&file).unwrap()));
    eprintln!("backup file: {:.1} MB", std::fs::metadata(&file).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0));
    let mut n = 0;
    g.bench_function("restore_into_a_new_folder", |b| {
        b.iter(|| {
            n += 1;
            let dir = out.path().join(format!("restored-{n}"));
            let secret = chisanpo_core::store::Secret::Passphrase(Passphrase::new(PASS));
            chisanpo_core::store::backup::restore(&dir, &file, &secret, false).unwrap();
            std::fs::remove_dir_all(&dir).unwrap();
        })
    });
    g.finish();

    let mut g = c.benchmark_group("unlock");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    let dir = s.dir().to_path_buf();
    g.bench_function("open_with_passphrase_argon2id_64MiB", |b| b.iter(|| Store::open(&dir, &Passphrase::new(PASS)).unwrap()));
    g.finish();
}

criterion_group!(store, benches);
criterion_main!(store);
