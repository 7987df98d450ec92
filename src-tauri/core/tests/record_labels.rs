//! The history screen names every changed field by its label (`domain::diff`), never by its raw
//! path. Walked over fully populated records of each kind (the forms' samples, which live above
//! the domain crate: ADR 0027).

use chisanpo_core::domain::diff::changes;
use chisanpo_core::domain::RecordBody;
use chisanpo_core::forms::samples;

#[test]
fn every_field_of_every_record_has_a_label() {
    // Walk a fully populated record of each kind; no path may fall back to its raw name.
    let samples = [
        RecordBody::Interview(samples::long_hours()),
        RecordBody::Interview(samples::high_stress()),
        RecordBody::Consultation(samples::consultation()),
        RecordBody::Application(samples::application()),
        RecordBody::Visit(samples::visit()),
        RecordBody::Referral(samples::referral()),
    ];
    for body in samples {
        let empty = match &body {
            RecordBody::Application(_) => RecordBody::Application(Default::default()),
            RecordBody::Consultation(_) => RecordBody::Consultation(Default::default()),
            RecordBody::Interview(_) => RecordBody::Interview(Default::default()),
            RecordBody::Visit(_) => RecordBody::Visit(Default::default()),
            RecordBody::Referral(_) => RecordBody::Referral(Default::default()),
        };
        for c in changes(&empty, &body) {
            assert_ne!(c.label, c.path, "no label for {}", c.path);
        }
    }
}
