//! Any text in any field never panics a form: the result is a valid PDF (pdfinfo reads it), or the
//! missing-glyph error naming the character.

mod pdfcheck;

use chisanpo_core::domain::RecordBody;
use chisanpo_core::forms::fonts::FontSet;
use chisanpo_core::forms::samples;
use chisanpo_core::forms::sheet::PrintStatus;
use chisanpo_core::forms::{render, FormKind};
use chisanpo_core::Error;
use pdfcheck::{artifacts, poppler, write};
use proptest::prelude::*;

/// Text as people and systems produce it: any printable character, with Japanese and the odd
/// symbol, emoji or combining mark more likely than uniform sampling would give.
fn text() -> impl Strategy<Value = String> {
    prop_oneof!["\\PC{0,60}", "[あ-んア-ン一-龥々〆ー、。「」（）・ 　a-zA-Z0-9\\n]{0,300}", "[𠮷髙﨑德㐂🙂\u{0301}\u{200b}\u{3000}\u{fffd}\t\r\n]{0,8}",]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_text_gives_a_pdf_or_the_missing_glyph_error(name in text(), workplace in text(), free in text(), kind in 0usize..6) {
        let mut i = samples::long_hours();
        i.opinion.remarks = free.clone();
        i.result.special_notes = free.clone();
        i.work_status.as_mut().unwrap().duties = free.clone();
        i.request.considerations = free.clone();
        let mut c = samples::consultation();
        c.content = free.clone();
        c.notes = free.clone();
        let mut a = samples::application();
        a.summary = free.clone();
        let (form, body) = match kind {
            0 => (FormKind::Opinion, RecordBody::Interview(i)),
            1 => (FormKind::Opinion, RecordBody::Interview({ let mut h = samples::high_stress(); h.opinion.remarks = free.clone(); h })),
            2 => (FormKind::WorkStatus, RecordBody::Interview(i)),
            3 => (FormKind::Request, RecordBody::Interview(i)),
            4 => (FormKind::ConsultationRecord, RecordBody::Consultation(c)),
            _ => (FormKind::Application, RecordBody::Application(a)),
        };
        let mut input = samples::input(body, PrintStatus::Final);
        input.snapshot.worker.as_mut().unwrap().name = name;
        input.snapshot.workplace.as_mut().unwrap().name = workplace;
        match render(form, &input, &FontSet::embedded().unwrap()) {
            Ok(pdf) => {
                let path = write(&artifacts("fuzz"), "case.pdf", &pdf);
                let info = poppler("pdfinfo", &[], &path);
                prop_assert!(info.contains("Pages:"), "{}", info);
            }
            Err(Error::Invalid(v)) => prop_assert!(v[0].message.contains("U+"), "{:?}", v),
            Err(other) => prop_assert!(false, "unexpected error: {}", other),
        }
    }
}
