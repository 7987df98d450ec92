//! The docs cannot drift from the code: every example in docs/record-format.md must parse, and
//! every complete one must pass the draft checks; every test docs/security.md names as
//! `path.rs::function` must exist, so a promise never cites a test that was renamed or removed.

use chisanpo_core::domain::{Application, Consultation, Interview, OutsideBody, Referral, Staff, Strictness, Visit, Worker, Workplace};

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
    assert!(all.len() >= 8, "expected the examples of every kind, found {}", all.len());
    for kind in ["workplace", "worker", "staff", "consultation", "interview", "application", "visit", "referral", "outside_body"] {
        assert!(all.iter().any(|(k, _)| k == kind), "docs/record-format.md has no `json {kind}` example");
    }
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
            "visit" => serde_json::from_str::<Visit>(&json).map(|v| assert!(v.validate(Strictness::Final).is_empty(), "{:?}", v.validate(Strictness::Final))),
            "referral" => {
                serde_json::from_str::<Referral>(&json).map(|r| assert!(r.validate(Strictness::Final).is_empty(), "{:?}", r.validate(Strictness::Final)))
            }
            "outside_body" => serde_json::from_str::<OutsideBody>(&json).map(|b| assert!(b.validate().is_empty(), "{:?}", b.validate())),
            other => panic!("unknown example kind {other}"),
        };
        parsed.unwrap_or_else(|e| panic!("the {kind} example does not parse: {e}\n{json}"));
    }
}

/// The `path.rs::function` references of a document, in backticks.
fn test_references(doc: &str) -> Vec<(String, String)> {
    doc.split('`').skip(1).step_by(2).filter_map(|span| span.split_once(".rs::").map(|(file, name)| (format!("{file}.rs"), name.to_string()))).collect()
}

#[test]
fn every_test_the_threat_model_names_exists() {
    let doc = include_str!("../../../docs/security.md");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let refs = test_references(doc);
    assert!(refs.len() >= 30, "docs/security.md should name the tests behind its promises; found {}", refs.len());
    for (file, name) in refs {
        let text = std::fs::read_to_string(root.join(&file)).unwrap_or_else(|_| panic!("docs/security.md names {file}, which does not exist"));
        let declared = text.match_indices(&format!("fn {name}")).any(|(at, m)| {
            let next = text[at + m.len()..].chars().next();
            !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
        });
        assert!(declared, "docs/security.md names {file}::{name}, but {file} has no such function");
    }
}
