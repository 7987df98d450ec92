//! PDF benchmarks, each beside its baseline in the same run (design.md, "Performance budget"):
//!
//! - `pdf`: a bare printpdf page with the same embedded fonts (five lines of text in both IPAex
//!   faces, finished as the forms are: `Canvas::finish`), one 意見書 (budget: under 2× the bare
//!   page, under 60 KB), and the high-stress 意見書.
//! - `pdf_batch`: 1,000 意見書 (budget: under 3 s using every core) drawn one after another as
//!   before, then through the batch's renderer (`print::batch::render_each`) with 1 and with 2
//!   workers, and the two outputs of `print_batch` with 2 workers: merged into one PDF (in memory)
//!   and written one file each into a temporary folder (atomically, fsynced).
//!
//! - `preview`: the live preview of an interview's 意見書 beside the entry screen (budget: under
//!   300 ms after the last keystroke, of which this is the Rust part): `preview_form` over an
//!   encrypted demo store (the snapshot read, the fonts, the drawing) and the base64 the IPC
//!   answers, beside `one_opinion` drawn from a ready input.
//!
//! `make bench` (= `cargo bench -p chisanpo-core`), or `cargo bench -p chisanpo-core --bench forms`.

use std::hint::black_box;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use chisanpo_core::domain::RecordBody;
use chisanpo_core::forms::canvas::{Canvas, Meta};
use chisanpo_core::forms::fonts::{FontFace, FontSet};
use chisanpo_core::forms::sheet::PrintStatus;
use chisanpo_core::forms::{render, samples, FormInput, FormKind};
use chisanpo_core::print::batch::{merge, render_each, RenderJob};
use chisanpo_core::store::atomic;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const BATCH: usize = 1000;

/// The baseline page: five lines of Japanese text, alternating the two embedded faces, finished
/// (subset, dehinted, compressed) exactly as a form is.
fn bare_page(fonts: &FontSet) -> Vec<u8> {
    const LINES: [&str; 5] = [
        "面接指導結果報告書及び事後措置に係る意見書",
        "事業場名　株式会社山田製作所　氏名　鈴木 一郎",
        "実施日 令和7年6月20日　時間外・休日労働 月105時間",
        "就業区分 1：就業制限　労働時間の短縮 45時間/月まで",
        "医師氏名　産業 太郎　さんぽ内科クリニック",
    ];
    let mut c = Canvas::new(fonts.clone(), Meta::new("面接指導結果報告書", "地さんぽノート"));
    c.new_page();
    for (i, line) in LINES.iter().enumerate() {
        let face = if i % 2 == 0 { FontFace::Gothic } else { FontFace::Mincho };
        c.text(20.0, 30.0 + 10.0 * i as f32, face, 10.5, line);
    }
    c.finish().unwrap()
}

/// The median time of `f` over `n` runs.
fn median(n: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[n / 2]
}

/// 1,000 意見書 of different records (as a fiscal year gives them).
fn thousand(input: &FormInput) -> Vec<FormInput> {
    (0..BATCH)
        .map(|i| {
            let mut one = input.clone();
            one.record_id = format!("0195cc87-b280-72c9-82e5-{i:012}");
            one
        })
        .collect()
}

fn pages(c: &mut Criterion) {
    let fonts = FontSet::embedded().expect("embedded fonts");
    let input = samples::input(RecordBody::Interview(samples::long_hours()), PrintStatus::Final);
    let bare = bare_page(&fonts).len();
    let size = render(FormKind::Opinion, &input, &fonts).unwrap().len();
    eprintln!("bare page: {bare} bytes ({:.1} KB); one 意見書: {size} bytes ({:.1} KB)", bare as f64 / 1024.0, size as f64 / 1024.0);
    for kind in FormKind::ALL {
        let body = match kind.record_kind() {
            chisanpo_core::domain::RecordKind::Interview => RecordBody::Interview(samples::long_hours()),
            chisanpo_core::domain::RecordKind::Consultation => RecordBody::Consultation(samples::consultation()),
            chisanpo_core::domain::RecordKind::Application => RecordBody::Application(samples::application()),
            chisanpo_core::domain::RecordKind::Visit => RecordBody::Visit(samples::visit()),
            // No 様式 prints from a referral.
            chisanpo_core::domain::RecordKind::Referral => continue,
        };
        let bytes = render(kind, &samples::input(body, PrintStatus::Final), &fonts).unwrap().len();
        eprintln!("{}: {:.1} KB", kind.label(), bytes as f64 / 1024.0);
    }
    // The ratio the budget is stated in, measured here, interleaved, so that both see the same machine.
    let (mut bare_t, mut one_t) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..5 {
        bare_t += median(40, || drop(black_box(bare_page(&fonts))));
        one_t += median(40, || drop(black_box(render(FormKind::Opinion, &input, &fonts).unwrap())));
    }
    eprintln!(
        "RATIO one 意見書 / bare page = {:.2} ({:?} / {:?}, medians; budget: under 2)",
        one_t.as_secs_f64() / bare_t.as_secs_f64(),
        one_t / 5,
        bare_t / 5
    );

    let mut g = c.benchmark_group("pdf");
    g.bench_function("bare_page", |b| b.iter(|| bare_page(&fonts)));
    g.bench_function("one_opinion", |b| b.iter(|| render(FormKind::Opinion, &input, &fonts).unwrap()));
    let stress = samples::input(RecordBody::Interview(samples::high_stress()), PrintStatus::Final);
    g.bench_function("one_opinion_high_stress", |b| b.iter(|| render(FormKind::Opinion, &stress, &fonts).unwrap()));
    g.finish();
}

fn batch(c: &mut Criterion) {
    let fonts = FontSet::embedded().expect("embedded fonts");
    let input = samples::input(RecordBody::Interview(samples::long_hours()), PrintStatus::Final);
    let inputs = thousand(&input);
    let job = |workers| RenderJob { kind: FormKind::Opinion, inputs: &inputs, fonts: &fonts, workers };
    let go = AtomicBool::new(false);
    eprintln!("cores: {}", chisanpo_core::print::batch::all_cores());

    let mut g = c.benchmark_group("pdf_batch");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("opinions_1000", |b| b.iter(|| inputs.iter().map(|i| render(FormKind::Opinion, i, &fonts).unwrap().len()).sum::<usize>()));
    for workers in [1, 2] {
        g.bench_function(format!("render_1000_{workers}_worker"), |b| {
            b.iter(|| render_each(job(workers), &go, &|_| {}, &|_, pdf| Ok(pdf.len())).unwrap().done.iter().sum::<usize>())
        });
    }
    g.bench_function("merged_1000_2_workers", |b| {
        b.iter(|| {
            let docs = render_each(job(2), &go, &|_| {}, &|_, pdf| merge::parse(&pdf)).unwrap().done;
            let mut merged = merge::merge(docs, "意見書").unwrap();
            let mut out = Vec::new();
            merged.save_to(&mut out).unwrap();
            out.len()
        })
    });
    let dir = tempfile::tempdir().unwrap();
    g.bench_function("folder_1000_2_workers", |b| {
        b.iter(|| render_each(job(2), &go, &|_| {}, &|i, pdf| atomic::write_file(&dir.path().join(format!("{i}.pdf")), &pdf)).unwrap().done.len())
    });
    g.finish();
}

fn preview(c: &mut Criterion) {
    use base64::Engine;
    use chisanpo_core::demo;
    use chisanpo_core::domain::{RecordKind, Staff, StaffRole};
    use chisanpo_core::prelude::*;
    use chisanpo_core::store::{KdfParams, Passphrase, Store};
    let tmp = tempfile::tempdir().expect("temp dir");
    let me = Staff { role: Some(StaffRole::Doctor), name: "ベンチ 医師".into(), ..Default::default() };
    let (store, _) = Store::init_with(&tmp.path().join("data"), &Passphrase::new("benchmark passphrase"), &me, KdfParams::MINIMUM).expect("init");
    demo::generate(&store, 200, 3).expect("demo records");
    let id = store.list_records(&Default::default()).expect("list").into_iter().find(|r| r.kind == RecordKind::Interview).expect("an interview").id;
    let view = store.get_record(&id).expect("record");
    let body = view.draft.or(view.current.map(|v| v.body)).expect("a body");
    let fonts = FontSet::embedded().expect("embedded fonts");
    let input = samples::input(RecordBody::Interview(samples::long_hours()), PrintStatus::Draft);
    let mut g = c.benchmark_group("preview");
    g.bench_function("one_opinion", |b| b.iter(|| render(FormKind::Opinion, &input, &fonts).unwrap()));
    g.bench_function("preview_opinion_base64", |b| {
        b.iter(|| {
            let pdf = store.preview_form(Some(&id), FormKind::Opinion, body.clone()).unwrap();
            base64::engine::general_purpose::STANDARD.encode(pdf)
        })
    });
    g.finish();
}

criterion_group!(forms, pages, batch, preview);
criterion_main!(forms);
