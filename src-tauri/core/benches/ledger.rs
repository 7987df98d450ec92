//! Ledger export benchmarks at the scale of a busy centre: a 100,000-record store, one fiscal
//! year's ledger exported as XLSX (budget: under 2 s) and as CSV.
//!
//! `cargo bench -p chisanpo-core --bench ledger`

mod fixture;

use std::time::{Duration, Instant};

use chisanpo_core::ledger::export::{CsvEncoding, ExportFormat};
use chisanpo_core::ledger::{LedgerFilter, LedgerKind};
use chisanpo_core::prelude::*;
use criterion::{criterion_group, criterion_main, Criterion};

const FISCAL_YEAR: i32 = 2024;

fn benches(c: &mut Criterion) {
    let f = fixture::fixture();
    let (dir, store) = (&f.dir, &f.store);

    let filter = LedgerFilter { fiscal_year: Some(FISCAL_YEAR), ..Default::default() };
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let run = |kind: LedgerKind, format: ExportFormat, encoding: CsvEncoding| {
        let path = out.join(format!("{}.{}", kind.as_str(), format.extension()));
        store.export_ledger(kind, &filter, format, encoding, &path).expect("export")
    };

    // One timed run of each, with its size, before criterion's samples.
    for kind in [LedgerKind::Consultation, LedgerKind::Interview] {
        let start = Instant::now();
        let table = store.ledger(kind, &filter).unwrap().table();
        let build = start.elapsed();
        for (format, encoding) in
            [(ExportFormat::Xlsx, CsvEncoding::Utf8Bom), (ExportFormat::Csv, CsvEncoding::Utf8Bom), (ExportFormat::Csv, CsvEncoding::Cp932)]
        {
            let start = Instant::now();
            let r = run(kind, format, encoding);
            let took = start.elapsed();
            eprintln!(
                "FY{FISCAL_YEAR} {} {:?} {:?}: {} rows × {} columns, {:.1} KB, {:.0} ms (building the table alone: {:.0} ms)",
                kind.title(),
                format,
                encoding,
                r.rows,
                table.columns.len(),
                r.bytes as f64 / 1024.0,
                took.as_secs_f64() * 1000.0,
                build.as_secs_f64() * 1000.0
            );
            if format == ExportFormat::Xlsx {
                assert!(took < Duration::from_secs(2), "XLSX budget is 2 s: {took:?}");
            }
        }
    }

    // The PDF once, for information (no budget: it is printed, not opened on every click).
    let start = Instant::now();
    let r = run(LedgerKind::Consultation, ExportFormat::Pdf, CsvEncoding::Utf8Bom);
    eprintln!("FY{FISCAL_YEAR} 特定健康相談実施台帳 PDF: {} rows, {:.1} KB, {:.2} s", r.rows, r.bytes as f64 / 1024.0, start.elapsed().as_secs_f64());

    let mut g = c.benchmark_group("ledger_export_100k");
    g.sample_size(10);
    for kind in [LedgerKind::Consultation, LedgerKind::Interview] {
        g.bench_function(format!("{}_fy_xlsx", kind.as_str()), |b| b.iter(|| run(kind, ExportFormat::Xlsx, CsvEncoding::Utf8Bom)));
        g.bench_function(format!("{}_fy_csv", kind.as_str()), |b| b.iter(|| run(kind, ExportFormat::Csv, CsvEncoding::Utf8Bom)));
    }
    g.bench_function("consultation_fy_csv_cp932", |b| b.iter(|| run(LedgerKind::Consultation, ExportFormat::Csv, CsvEncoding::Cp932)));
    g.bench_function("consultation_fy_table_only", |b| b.iter(|| store.ledger(LedgerKind::Consultation, &filter).unwrap().table()));
    g.finish();
}

criterion_group!(ledger, benches);
criterion_main!(ledger);
