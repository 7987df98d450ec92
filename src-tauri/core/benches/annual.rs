//! The annual report (別添3) at the scale of the benchmarks: 100,000 demo records over six fiscal
//! years, about 17,000 of them in the year reported.
//!
//! `cargo bench -p chisanpo-core --bench annual`. Budget: `annual_report` < 1 s.

mod fixture;

use std::time::{Duration, Instant};

use chisanpo_core::prelude::*;
use criterion::{criterion_group, criterion_main, Criterion};

const YEAR: i32 = 2024;
const BUDGET: Duration = Duration::from_secs(1);

fn benches(c: &mut Criterion) {
    let f = fixture::fixture();
    let store = &f.store;

    // One cold run first (a fresh reader connection, nothing cached), against the budget.
    let start = Instant::now();
    let report = store.annual_report(YEAR).expect("report");
    let cold = start.elapsed();
    eprintln!(
        "annual_report({YEAR}) cold: {:.0} ms for {} consultations and {} interviews ({} and {} sessions); budget {} ms: {}",
        cold.as_secs_f64() * 1000.0,
        report.consultations.records.value,
        report.interviews.records.value,
        report.consultations.sessions.total.actual.value,
        report.interviews.sessions.total.actual.value,
        BUDGET.as_millis(),
        if cold < BUDGET { "ok" } else { "OVER" }
    );

    let out = tempfile::tempdir().expect("temp dir");
    let (xlsx, json) = (out.path().join("report.xlsx"), out.path().join("report.json"));
    let mut g = c.benchmark_group("annual_100k");
    g.sample_size(10);
    g.bench_function("annual_report", |b| b.iter(|| store.annual_report(YEAR).expect("report")));
    g.bench_function("write_annual_report_xlsx", |b| b.iter(|| store.write_annual_report(YEAR, &xlsx, None).expect("write")));
    g.bench_function("write_annual_report_xlsx_json", |b| b.iter(|| store.write_annual_report(YEAR, &xlsx, Some(&json)).expect("write")));
    g.finish();
    eprintln!(
        "sizes: xlsx {} KiB, json {} KiB",
        std::fs::metadata(&xlsx).map(|m| m.len() / 1024).unwrap_or(0),
        std::fs::metadata(&json).map(|m| m.len() / 1024).unwrap_or(0)
    );
}

criterion_group!(annual, benches);
criterion_main!(annual);
