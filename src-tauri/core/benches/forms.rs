//! PDF benchmarks: one 意見書 (budget: under 10 ms and under 80 KB), and 1,000 in one batch.
//! `make bench` (= `cargo bench -p chisanpo-core`).

use chisanpo_core::domain::RecordBody;
use chisanpo_core::forms::fonts::FontSet;
use chisanpo_core::forms::sheet::PrintStatus;
use chisanpo_core::forms::{render, samples, FormKind};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn benches(c: &mut Criterion) {
    let fonts = FontSet::embedded().expect("embedded fonts");
    let input = samples::input(RecordBody::Interview(samples::long_hours()), PrintStatus::Final);
    let size = render(FormKind::Opinion, &input, &fonts).unwrap().len();
    eprintln!("one 意見書: {size} bytes ({:.1} KB)", size as f64 / 1024.0);
    for kind in FormKind::ALL {
        let body = match kind.record_kind() {
            chisanpo_core::domain::RecordKind::Interview => RecordBody::Interview(samples::long_hours()),
            chisanpo_core::domain::RecordKind::Consultation => RecordBody::Consultation(samples::consultation()),
            chisanpo_core::domain::RecordKind::Application => RecordBody::Application(samples::application()),
        };
        let bytes = render(kind, &samples::input(body, PrintStatus::Final), &fonts).unwrap().len();
        eprintln!("{}: {:.1} KB", kind.label(), bytes as f64 / 1024.0);
    }

    let mut g = c.benchmark_group("pdf");
    g.bench_function("one_opinion", |b| b.iter(|| render(FormKind::Opinion, &input, &fonts).unwrap()));
    let stress = samples::input(RecordBody::Interview(samples::high_stress()), PrintStatus::Final);
    g.bench_function("one_opinion_high_stress", |b| b.iter(|| render(FormKind::Opinion, &stress, &fonts).unwrap()));
    g.finish();

    let mut g = c.benchmark_group("pdf_batch");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1000));
    g.bench_function("opinions_1000", |b| {
        b.iter(|| {
            let mut total = 0usize;
            for _ in 0..1000 {
                total += render(FormKind::Opinion, &input, &fonts).unwrap().len();
            }
            total
        })
    });
    g.finish();
}

criterion_group!(forms, benches);
criterion_main!(forms);
