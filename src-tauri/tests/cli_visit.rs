//! A site visit on the command line, as a coordinator's script would: `add visit` with a linked
//! consultation, `finalize`, `findings --overdue`, the next visit's follow-up closing a finding,
//! and `pdf visit-report` read back by poppler's `pdftotext`.

use std::process::Command;

use serde_json::json;

mod common;

use common::*;

fn text_of(pdf: &std::path::Path) -> String {
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext (poppler-utils) is needed");
    String::from_utf8_lossy(&out.stdout).chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn a_visit_is_recorded_followed_up_and_printed_from_the_command_line() {
    let env = Env::new();
    let (wp, worker, doctor) = populated(&env);
    let consultation = env.add("consultation", &consultation(&wp, &worker, &doctor, "睡眠について助言した。"));
    env.ok(&["finalize", &consultation]);
    let finding = |what: &str, due: &str| json!({ "category": "work_environment", "priority": "high", "place": "塗装場", "observation": what, "advice": "点検すること。", "due_on": due });
    let first = env.add(
        "visit",
        &json!({
            "visited_on": "2025-06-10", "workplace_id": wp, "doctor_id": doctor,
            "visitors": [{ "role": "engineer", "name": "衛生 次郎" }],
            "activities": ["workplace_patrol", "health_guidance"],
            "good_practices": ["朝礼で体調を確認している。"],
            "findings": [finding("局所排気装置の吸込みが弱い。", "2025-07-31"), finding("通路に荷物が置かれている。", "2025-12-31")],
            "consultation_ids": [consultation],
        }),
    );
    env.ok(&["finalize", &first]);
    let visits = env.ok_json(&["list", "--json", "--kind", "visit"]);
    assert_eq!(ids_of(&visits).into_iter().collect::<Vec<_>>(), vec![first.clone()]);

    let overdue = env.ok_json(&["findings", "--overdue", "--on", "2025-09-01", "--json"]);
    let listed: Vec<i64> = overdue.as_array().unwrap().iter().map(|f| f["finding_no"].as_i64().unwrap()).collect();
    assert_eq!(listed, [1], "only the finding whose date has passed");
    assert_eq!(overdue[0]["workplace_name"], "鷲尾製作所");
    assert!(env.ok(&["findings", "--on", "2025-09-01"]).contains("期限超過"));

    let next = env.add(
        "visit",
        &json!({
            "visited_on": "2025-09-03", "workplace_id": wp, "doctor_id": doctor, "activities": ["workplace_patrol"],
            "follow_ups": [{ "visit_id": first, "finding_no": 1, "status": "improved", "note": "フードを交換した。" }],
        }),
    );
    env.ok(&["finalize", &next]);
    let open = env.ok_json(&["findings", "--json"]);
    let listed: Vec<i64> = open.as_array().unwrap().iter().map(|f| f["finding_no"].as_i64().unwrap()).collect();
    assert_eq!(listed, [2], "the improved finding is closed");

    let pdf = env.tmp.path().join("報告書.pdf");
    env.ok(&["pdf", "visit-report", "--id", &next, "--out", path(&pdf)]);
    let text = text_of(&pdf);
    for want in [
        "産業保健指導結果報告書",
        "鷲尾製作所御中",
        "指摘事項はありません。",
        "令和7年6月10日指摘1：局所排気装置の吸込みが弱い。",
        "改善済",
        "フードを交換した。",
    ] {
        assert!(text.contains(want), "{want} is not in {text}");
    }
    let first_pdf = env.tmp.path().join("初回.pdf");
    env.ok(&["pdf", "visit-report", "--id", &first, "--out", path(&first_pdf)]);
    let text = text_of(&first_pdf);
    assert!(text.contains("朝礼で体調を確認している。") && text.contains("衛生次郎"), "{text}");
    assert!(!text.contains("鷲尾ヒカル") && !text.contains("睡眠について"), "the trip's consultation is not on the employer's report");

    // A report is made only from a visit, and a visit with a bad code is refused in Japanese.
    let out = env.run(&["pdf", "visit-report", "--id", &consultation, "--out", path(&pdf)]);
    assert!(!out.status.success() && has_japanese(&String::from_utf8_lossy(&out.stderr)));
    let bad = env.json_file("bad.json", &json!({ "visited_on": "2025-09-03", "activities": ["sightseeing"] }));
    let out = env.run(&["add", "visit", "--json", path(&bad)]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("activities"), "{said}");
}
