//! Benchmarks of the PDF drawing layer under the forms: a dense page and a 2-page form drawn on a
//! `Canvas`, finishing a document with and without the fonts' TrueType hinting, `strip_instructions`
//! on the subsets printpdf embeds, and a page drawn partly with the IPAmj明朝 fallback (when
//! `/usr/share/fonts/truetype/ipamj/ipamjm.ttf` is installed: Debian `fonts-ipamj-mincho`).
//! `make bench` (= `cargo bench -p chisanpo-core`), or `cargo bench -p chisanpo-core --bench pdf`.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use chisanpo_core::forms::canvas::{Canvas, FinishOptions};
use chisanpo_core::forms::dehint::strip_instructions;
use chisanpo_core::forms::fonts::{FontFace, FontSet};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

#[path = "../tests/support/pages.rs"]
mod pages;
use pages::{dense_page, font_programs, hinting_document, meta, sample_form};

const IPAMJ: &str = "/usr/share/fonts/truetype/ipamj/ipamjm.ttf";

const HINTED: FinishOptions = FinishOptions { strip_hints: false };

static IPAEX_MINCHO: &[u8] = include_bytes!("../../../assets/fonts/ipaexm.ttf");

fn canvas(c: &mut Criterion) {
    let t = Instant::now();
    let fonts = FontSet::embedded().expect("embedded fonts");
    eprintln!("FontSet::embedded(), first call (parses both faces): {:?}", t.elapsed());
    for (name, make) in [("dense page", dense_page as fn(FontSet) -> Canvas), ("sample form (2 pages)", sample_form)] {
        let size = make(fonts.clone()).finish().unwrap().len();
        eprintln!("{name}: {size} bytes ({:.1} KB)", size as f64 / 1024.0);
    }
    let mut g = c.benchmark_group("canvas");
    g.bench_function("fontset_embedded_again", |b| b.iter(|| FontSet::embedded().unwrap()));
    g.bench_function("dense_page", |b| b.iter(|| dense_page(fonts.clone()).finish().unwrap()));
    g.bench_function("sample_form_2_pages", |b| b.iter(|| sample_form(fonts.clone()).finish().unwrap()));
    g.finish();
}

fn dehinting(c: &mut Criterion) {
    let fonts = FontSet::embedded().expect("embedded fonts");
    let hinted = hinting_document(fonts.clone()).finish_with(HINTED).unwrap();
    let plain = hinting_document(fonts.clone()).finish_with(FinishOptions::default()).unwrap();
    eprintln!("two pages, both faces: {} bytes with hinting, {} without", hinted.len(), plain.len());

    let mut g = c.benchmark_group("finish");
    g.bench_function("with_hinting", |b| b.iter(|| hinting_document(fonts.clone()).finish_with(HINTED).unwrap()));
    g.bench_function("without_hinting", |b| b.iter(|| hinting_document(fonts.clone()).finish_with(FinishOptions::default()).unwrap()));
    g.finish();

    let mut g = c.benchmark_group("strip_instructions");
    for (name, _, program) in font_programs(&hinted) {
        eprintln!("the {name} subset: {} bytes", program.len());
        g.throughput(Throughput::Bytes(program.len() as u64));
        g.bench_function(format!("{name}_subset"), |b| b.iter(|| strip_instructions(black_box(&program)).unwrap()));
    }
    g.sample_size(10);
    g.throughput(Throughput::Bytes(IPAEX_MINCHO.len() as u64));
    g.bench_function("whole_IPAexMincho", |b| b.iter(|| strip_instructions(black_box(IPAEX_MINCHO)).unwrap()));
    g.finish();
}

fn fallback(c: &mut Criterion) {
    if !Path::new(IPAMJ).exists() {
        eprintln!("SKIPPED the fallback benchmarks: {IPAMJ} is absent (install fonts-ipamj-mincho)");
        return;
    }
    let t = Instant::now();
    let fonts = FontSet::with_fallback(Path::new(IPAMJ)).unwrap();
    eprintln!("FontSet::with_fallback(ipamjm.ttf): {:?}", t.elapsed());
    let page = |fonts: FontSet| {
        let mut c = Canvas::new(fonts, meta());
        c.text(20.0, 30.0, FontFace::Mincho, 12.0, "氏名：𠮷野 太郎");
        c.finish().unwrap()
    };
    eprintln!("a page using the fallback font: {} bytes", page(fonts.clone()).len());
    let mut g = c.benchmark_group("fallback");
    // Reading and parsing the 46 MB font file: slow, done once per setting change in the app.
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("load_ipamjm", |b| b.iter(|| FontSet::with_fallback(Path::new(IPAMJ)).unwrap()));
    g.bench_function("page_with_ipamj", |b| b.iter(|| page(fonts.clone())));
    g.finish();
}

criterion_group!(pdf, canvas, dehinting, fallback);
criterion_main!(pdf);
