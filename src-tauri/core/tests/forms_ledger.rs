//! The 1-3 ledger and the 1-2 記録票 agree on the 相談者 氏名, read back from both PDFs with
//! pdftotext: the worker's name only when the worker (本人) is the 相談者; when the employer asked
//! and no name was typed, both leave it blank.

mod pdfcheck;

use chisanpo_core::domain::{Consultation, RecordBody, Requester};
use chisanpo_core::forms::samples::{consultation, input, snapshot};
use chisanpo_core::forms::sheet::PrintStatus;
use chisanpo_core::forms::FormKind;
use chisanpo_core::ledger::LedgerKind;
use pdfcheck::{flat, ledger_pdf, poppler, produce, sample_ledger};

fn both(name: &str, c: Consultation) -> (String, String) {
    let ledger = ledger_pdf(name, &sample_ledger(LedgerKind::Consultation, vec![RecordBody::Consultation(c.clone())]));
    let ledger_text = flat(&poppler("pdftotext", &["-layout"], &ledger));
    let (_, record_text, _) = produce(name, FormKind::ConsultationRecord, &input(RecordBody::Consultation(c), PrintStatus::Final));
    (ledger_text, flat(&record_text))
}

#[test]
fn an_employers_consultation_names_no_worker_in_the_ledger_or_the_record() {
    let worker = flat(&snapshot().worker.unwrap().name);
    let mut c = consultation();
    c.requester = Some(Requester::Employer);
    c.requester_title = "総務課長".into();
    c.requester_name = String::new();
    let (ledger, record) = both("ledger-employer-unnamed", c.clone());
    assert!(ledger.contains("1事業者・担当者等"), "{ledger}");
    assert!(!ledger.contains(&worker), "the ledger names the worker as the 相談者:\n{ledger}");
    assert!(!record.contains(&worker), "the 記録票 names the worker as the 相談者:\n{record}");

    // A name typed in is printed by both.
    c.requester_name = "田中 次郎".into();
    let (ledger, record) = both("ledger-employer-named", c);
    assert!(ledger.contains("田中次郎") && record.contains("田中次郎"), "{ledger}\n{record}");
}

#[test]
fn the_worker_as_requester_is_named_in_both() {
    let worker = flat(&snapshot().worker.unwrap().name);
    let (ledger, record) = both("ledger-worker", consultation());
    assert!(ledger.contains(&worker) && record.contains(&worker), "{ledger}\n{record}");
}

/// The 2-4 ledger names every kind by its article, the two kinds held without a request included.
#[test]
fn the_interview_ledger_names_each_kind_by_its_article() {
    use chisanpo_core::domain::{Code, InterviewKind};
    use chisanpo_core::forms::samples::long_hours;
    let bodies: Vec<RecordBody> = InterviewKind::ALL
        .iter()
        .map(|k| {
            let mut i = long_hours();
            i.kind = Some(*k);
            RecordBody::Interview(i)
        })
        .collect();
    let pdf = ledger_pdf("ledger-kinds", &sample_ledger(LedgerKind::Interview, bodies));
    let text = flat(&poppler("pdftotext", &["-layout"], &pdf));
    for article in ["法66条の8の2", "法66条の8の4", "法66条の9", "法66条の10"] {
        assert!(text.contains(article), "{article} is not in the 2-4 ledger:\n{text}");
    }
}
