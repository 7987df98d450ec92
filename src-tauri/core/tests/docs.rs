//! docs/record-format.md cannot drift from the code: every example in it must parse, and every
//! complete one must pass the draft checks.

use chisanpo_core::domain::{Application, Consultation, Interview, Staff, Strictness, Worker, Workplace};

fn examples() -> Vec<(String, String)> {
    let doc = include_str!("../../../docs/record-format.md");
    let mut out = Vec::new();
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if let Some(kind) = line.strip_prefix("```json ") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
            out.push((kind.trim().to_string(), body.join("\n")));
        }
    }
    out
}

#[test]
fn docs_examples_parse() {
    let all = examples();
    assert!(all.len() >= 7, "expected the examples of every kind, found {}", all.len());
    for (kind, json) in all {
        let parsed = match kind.as_str() {
            "workplace" => serde_json::from_str::<Workplace>(&json).map(|w| assert!(w.validate().is_empty(), "{json}")),
            "worker" => serde_json::from_str::<Worker>(&json).map(|_| ()),
            "staff" => serde_json::from_str::<Staff>(&json).map(|s| assert!(s.validate().is_empty())),
            "consultation" => {
                serde_json::from_str::<Consultation>(&json).map(|c| assert!(c.validate(Strictness::Final).is_empty(), "{:?}", c.validate(Strictness::Final)))
            }
            "interview" => {
                serde_json::from_str::<Interview>(&json).map(|i| assert!(i.validate(Strictness::Final).is_empty(), "{:?}", i.validate(Strictness::Final)))
            }
            "application" => {
                serde_json::from_str::<Application>(&json).map(|a| assert!(a.validate(Strictness::Final).is_empty(), "{:?}", a.validate(Strictness::Final)))
            }
            other => panic!("unknown example kind {other}"),
        };
        parsed.unwrap_or_else(|e| panic!("the {kind} example does not parse: {e}\n{json}"));
    }
}
