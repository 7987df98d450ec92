//! Golden images: each 様式, drawn from the sample records, rendered by pdftoppm and compared with
//! the committed PNG in tests/golden/ with a tolerance. The goldens were reviewed by eye against the
//! 様式 of seed 002 and 003. After an intended change of layout, regenerate them with
//! `CHISANPO_UPDATE_GOLDEN=1 cargo test -p chisanpo-core --test golden`, look at every one, and
//! commit them with the change.

mod pdfcheck;

use std::path::{Path, PathBuf};

use chisanpo_core::domain::RecordBody;
use chisanpo_core::forms::fonts::FontSet;
use chisanpo_core::forms::samples;
use chisanpo_core::forms::sheet::PrintStatus;
use chisanpo_core::forms::{render, FormKind};
use pdfcheck::{artifacts, to_png, write};

/// Render at this resolution: enough to see a moved line or a missing word, small enough to commit.
const DPI: u32 = 50;
/// The mean absolute difference allowed, in grey levels (0–255).
const MEAN_TOLERANCE: f64 = 1.5;
/// The share of pixels allowed to differ by more than a quarter of the range.
const PIXEL_TOLERANCE: f64 = 0.004;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Decode a PNG to 8-bit grey.
fn grey(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let px: Vec<u8> =
        buf[..info.buffer_size()].chunks(channels).map(|c| if channels >= 3 { ((c[0] as u32 + c[1] as u32 + c[2] as u32) / 3) as u8 } else { c[0] }).collect();
    (info.width, info.height, px)
}

/// (mean absolute difference, share of pixels off by more than 64) between two PNGs of one size.
fn difference(a: &Path, b: &Path) -> (f64, f64) {
    let (w, h, now) = grey(a);
    let (gw, gh, want) = grey(b);
    assert_eq!((w, h), (gw, gh), "the page size changed");
    let diff: Vec<u32> = now.iter().zip(&want).map(|(a, b)| (*a as i32 - *b as i32).unsigned_abs()).collect();
    let mean = diff.iter().map(|d| *d as f64).sum::<f64>() / diff.len() as f64;
    let big = diff.iter().filter(|d| **d > 64).count() as f64 / diff.len() as f64;
    (mean, big)
}

#[test]
fn the_comparison_notices_a_different_page() {
    // Two different forms must be far outside the tolerance, or the goldens guard nothing.
    let (mean, big) = difference(&golden_dir().join("opinion-long-hours.png"), &golden_dir().join("opinion-high-stress.png"));
    assert!(mean > MEAN_TOLERANCE && big > PIXEL_TOLERANCE, "mean {mean:.2}, changed {:.2}%", big * 100.0);
}

fn compare(name: &str, kind: FormKind, body: RecordBody) {
    let input = samples::input(body, PrintStatus::Final);
    let pdf = render(kind, &input, &FontSet::embedded().unwrap()).unwrap();
    let dir = artifacts("golden");
    let path = write(&dir, &format!("{name}.pdf"), &pdf);
    let pages = to_png(&path, &dir.join(name), DPI);
    assert_eq!(pages.len(), 1, "{name} should be one page");
    let golden = golden_dir().join(format!("{name}.png"));
    if std::env::var_os("CHISANPO_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::copy(&pages[0], &golden).unwrap();
        eprintln!("wrote the golden {}: look at it before committing", golden.display());
        return;
    }
    assert!(golden.exists(), "no golden image {}: make it with CHISANPO_UPDATE_GOLDEN=1 and review it", golden.display());
    let (mean, big) = difference(&pages[0], &golden);
    assert!(
        mean <= MEAN_TOLERANCE && big <= PIXEL_TOLERANCE,
        "{name} no longer matches its golden image (mean difference {mean:.2}, {:.2}% of pixels changed): compare {} with {}",
        big * 100.0,
        pages[0].display(),
        golden.display()
    );
}

#[test]
fn opinion_long_hours() {
    compare("opinion-long-hours", FormKind::Opinion, RecordBody::Interview(samples::long_hours()));
}

#[test]
fn opinion_high_stress() {
    compare("opinion-high-stress", FormKind::Opinion, RecordBody::Interview(samples::high_stress()));
}

#[test]
fn work_status() {
    compare("work-status", FormKind::WorkStatus, RecordBody::Interview(samples::long_hours()));
}

#[test]
fn request() {
    compare("request", FormKind::Request, RecordBody::Interview(samples::long_hours()));
}

#[test]
fn consultation_record() {
    compare("consultation-record", FormKind::ConsultationRecord, RecordBody::Consultation(samples::consultation()));
}

#[test]
fn application() {
    compare("application", FormKind::Application, RecordBody::Application(samples::application()));
}
