//! Golden images: each 様式, drawn from the sample records, rendered by pdftoppm and compared with
//! the committed PNG in tests/golden/ with a tolerance. The goldens were reviewed by eye against the
//! 様式 of seed 002 and 003. After an intended change of layout, regenerate them with
//! `CHISANPO_UPDATE_GOLDEN=1 cargo test -p chisanpo-core --test golden`, look at every one, and
//! commit them with the change.

mod pdfcheck;

use std::path::{Path, PathBuf};

use chisanpo_core::domain::{RecordBody, Requester};
use chisanpo_core::forms::fonts::FontSet;
use chisanpo_core::forms::samples;
use chisanpo_core::forms::sheet::PrintStatus;
use chisanpo_core::forms::{render, FormKind};
use chisanpo_core::ledger::LedgerKind;
use pdfcheck::{artifacts, sample_ledger, to_png, write};

/// Render at this resolution: a person can read every field of the golden at 100 dpi.
const DPI: u32 = 100;
/// The mean absolute difference allowed, in grey levels (0–255): room for a poppler that
/// anti-aliases a little differently, far less than any changed word.
const MEAN_TOLERANCE: f64 = 0.3;
/// The share of pixels allowed to differ by more than a quarter of the range: about 20 pixels
/// of an A4 page at 100 dpi, less than one changed digit (a digit at 9.5 pt is about 40).
const PIXEL_TOLERANCE: f64 = 0.00002;

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

/// Within the tolerance of the golden `name`?
fn within(page: &Path, name: &str) -> (bool, f64, f64) {
    let (mean, big) = difference(page, &golden_dir().join(format!("{name}.png")));
    (mean <= MEAN_TOLERANCE && big <= PIXEL_TOLERANCE, mean, big)
}

/// Render a form to one PNG page under artifacts/golden (as `file`).
fn form_page(file: &str, kind: FormKind, body: RecordBody) -> PathBuf {
    let input = samples::input(body, PrintStatus::Final);
    let pdf = render(kind, &input, &FontSet::embedded().unwrap()).unwrap();
    let dir = artifacts("golden");
    let path = write(&dir, &format!("{file}.pdf"), &pdf);
    let pages = to_png(&path, &dir.join(file), DPI);
    assert_eq!(pages.len(), 1, "{file} should be one page");
    pages[0].clone()
}

#[test]
fn the_comparison_notices_a_changed_date() {
    // The interview a day later: two digits of one date differ, and the golden must say so.
    let mut i = samples::long_hours();
    i.performed_on = Some("2025-06-21".parse().unwrap());
    let page = form_page("shifted-opinion-long-hours", FormKind::Opinion, RecordBody::Interview(i));
    let (same, mean, big) = within(&page, "opinion-long-hours");
    assert!(!same, "a changed 実施日 passed as the golden (mean {mean:.3}, changed {:.4}%)", big * 100.0);
}

#[test]
fn the_comparison_notices_a_moved_line() {
    // The same page two pixels lower (0.5 mm at 100 dpi): every rule has moved.
    let dir = artifacts("golden");
    let page = form_page("moved-opinion-long-hours", FormKind::Opinion, RecordBody::Interview(samples::long_hours()));
    let (w, h, px) = grey(&page);
    let shift = 2 * w as usize;
    let mut moved = vec![255u8; px.len()];
    moved[shift..].copy_from_slice(&px[..px.len() - shift]);
    let out = dir.join("moved-by-two-pixels.png");
    let mut enc = png::Encoder::new(std::io::BufWriter::new(std::fs::File::create(&out).unwrap()), w, h);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header().unwrap().write_image_data(&moved).unwrap();
    let (same, mean, big) = within(&out, "opinion-long-hours");
    assert!(!same, "a page moved down two pixels passed as the golden (mean {mean:.3}, changed {:.4}%)", big * 100.0);
}

fn compare(name: &str, kind: FormKind, body: RecordBody) {
    let input = samples::input(body, PrintStatus::Final);
    let pdf = render(kind, &input, &FontSet::embedded().unwrap()).unwrap();
    check_golden(name, &pdf);
}

/// Compare the one page of `pdf` with the golden `name` (or write the golden).
fn check_golden(name: &str, pdf: &[u8]) {
    let dir = artifacts("golden");
    let path = write(&dir, &format!("{name}.pdf"), pdf);
    // Pages left from an earlier run would be counted as this one's.
    for old in std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok().map(|e| e.path())) {
        if old.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&format!("{name}-")) && n.to_string_lossy().ends_with(".png")) {
            std::fs::remove_file(old).unwrap();
        }
    }
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

#[test]
fn ledger_consultations() {
    // 1-3: the worker as 相談者, and an employer's consultation with no name typed (blank 氏名).
    let mut employer = samples::consultation();
    employer.requester = Some(Requester::Employer);
    employer.requester_title = "総務課長".into();
    employer.performed_on = Some("2025-07-08".parse().unwrap());
    let ledger = sample_ledger(LedgerKind::Consultation, vec![RecordBody::Consultation(samples::consultation()), RecordBody::Consultation(employer)]);
    let pdf = chisanpo_core::ledger::export::pdf::to_bytes(&ledger.table(), &FontSet::embedded().unwrap()).unwrap();
    check_golden("ledger-consultations", &pdf);
}

#[test]
fn ledger_interviews() {
    // 2-4: a long-hours and a high-stress interview.
    let ledger = sample_ledger(LedgerKind::Interview, vec![RecordBody::Interview(samples::long_hours()), RecordBody::Interview(samples::high_stress())]);
    let pdf = chisanpo_core::ledger::export::pdf::to_bytes(&ledger.table(), &FontSet::embedded().unwrap()).unwrap();
    check_golden("ledger-interviews", &pdf);
}
