//! Integration tests of the headless `chisanpo` binary: each test runs the real executable
//! against its own encrypted store in a temporary folder, as a user or a script would.
//!
//! The passphrase comes from `CHISANPO_PASSPHRASE`; `init` uses the default KDF cost, so every
//! command spends a fraction of a second unlocking. Nothing here asserts on wall-clock time.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Output, Stdio};

use serde_json::{json, Value};

mod common;

use common::*;

// ---------------------------------------------------------------------------------------------
// a. The "done when" flow
// ---------------------------------------------------------------------------------------------

#[test]
fn init_demo_verify_and_list_two_thousand_records() {
    let env = Env::new();
    env.init();
    let summary = env.ok_json(&["demo", "--records", "2000"]);
    assert_eq!(summary["records"], 2000, "{summary}");

    let out = env.ok(&["verify"]);
    assert!(out.contains("検査に合格しました"), "{out}");
    let report = env.ok_json(&["verify", "--json"]);
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["chain_break"], Value::Null, "{report}");

    let db = std::fs::read(env.data().join("chisanpo.db")).unwrap();
    assert!(db.len() > 1 << 20, "2000 records in only {} bytes", db.len());
    assert!(!db.starts_with(b"SQLite format 3\0"), "chisanpo.db starts with the plaintext SQLite header");

    let list = env.ok_json(&["list", "--json"]);
    let rows = list.as_array().expect("list --json prints an array");
    assert_eq!(rows.len(), 2000);
    for r in rows {
        for key in ["id", "kind", "status", "performed_on", "fiscal_year"] {
            assert!(r.get(key).is_some_and(|v| !v.is_null()), "a record lacks {key}: {r}");
        }
        assert_uuid(r["id"].as_str().unwrap());
        assert!(["application", "consultation", "interview"].contains(&r["kind"].as_str().unwrap()), "{r}");
        assert!(["draft", "final"].contains(&r["status"].as_str().unwrap()), "{r}");
        // The fiscal year starts in April.
        let d = r["performed_on"].as_str().unwrap();
        let (y, m): (i64, i64) = (d[..4].parse().unwrap(), d[5..7].parse().unwrap());
        assert_eq!(r["fiscal_year"].as_i64().unwrap(), if m >= 4 { y } else { y - 1 }, "{r}");
    }
    assert_eq!(ids_of(&list).len(), 2000, "ids are not unique");
    let finals = rows.iter().filter(|r| r["status"] == "final").count();
    assert_eq!(json!(finals), summary["finalised"], "the finalised count differs from what demo reported");
    assert_eq!(env.ok_json(&["list", "--json", "--status", "draft"]).as_array().unwrap().len() as u64, summary["drafts"].as_u64().unwrap());
}

// ---------------------------------------------------------------------------------------------
// b. Adding, finalising, amending
// ---------------------------------------------------------------------------------------------

#[test]
fn add_finalize_amend_history_show() {
    let env = Env::new();
    let (wp, worker, doctor) = populated(&env);
    let found = env.ok_json(&["search", "workers", "わしお"]);
    assert_eq!(found[0]["id"], worker.as_str(), "{found}");
    assert_eq!(found[0]["data"]["birth_date"], "1985-04-01", "a 和暦 birth date is stored as ISO: {found}");

    let id = env.add("consultation", &consultation(&wp, &worker, &doctor, "第1版: 生活習慣の指導"));
    let shown = env.ok_json(&["show", &id, "--json"]);
    assert_eq!(shown["summary"]["status"], "draft", "{shown}");

    let out = env.ok(&["finalize", &id]);
    assert!(out.contains("確定しました") && out.contains(&id) && out.contains("第1版"), "{out}");
    // A finalised record is not finalised again.
    let again = env.run(&["finalize", &id]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("確定済み"));

    let amended = consultation(&wp, &worker, &doctor, "第2版: 生活習慣の指導と受診勧奨の説明");
    let f = env.json_file("amended.json", &amended);
    let out = env.ok(&["amend", &id, "--json", path(&f), "--reason", "指導内容の追記"]);
    assert!(out.contains("訂正しました") && out.contains("第2版"), "{out}");

    let history = env.ok_json(&["history", &id, "--json"]);
    let versions: Vec<(u64, Value)> = history.as_array().unwrap().iter().map(|v| (v["version"].as_u64().unwrap(), v["reason"].clone())).collect();
    assert_eq!(versions, [(1, Value::Null), (2, json!("指導内容の追記"))], "{history}");
    assert!(history.as_array().unwrap().iter().all(|v| v["author_name"] == "産業 一郎"), "{history}");

    let shown = env.ok_json(&["show", &id, "--json"]);
    assert_eq!(shown["summary"]["status"], "final", "{shown}");
    assert_eq!(shown["summary"]["version"], 2, "{shown}");
    assert_eq!(shown["summary"]["amended"], true, "{shown}");
    assert_eq!(shown["current"]["body"]["kind"], "consultation", "{shown}");
    assert_eq!(shown["current"]["body"]["data"]["content"], "第2版: 生活習慣の指導と受診勧奨の説明", "{shown}");
    assert_eq!(shown["current"]["snapshot"]["worker"]["name"], "鷲尾 ヒカル", "{shown}");
    assert_eq!(shown["current"]["snapshot"]["doctor"]["name"], "診療 次郎", "{shown}");
    assert_eq!(shown["versions"].as_array().unwrap().len(), 2, "{shown}");
    assert_eq!(env.ok_json(&["verify", "--json"])["ok"], true);
}

// ---------------------------------------------------------------------------------------------
// c. Bad input: a Japanese message, no health data echoed, nothing written
// ---------------------------------------------------------------------------------------------

/// Run a command that must fail; check the message and that it does not echo `HEALTH`.
fn refused(out: Output, what: &str, fragment: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!out.status.success(), "{what}: succeeded but must fail\nstdout: {stdout}");
    assert_eq!(out.status.code(), Some(1), "{what}: exit status {}; stderr: {stderr}", out.status);
    assert!(has_japanese(&stderr), "{what}: the message is not Japanese: {stderr:?}");
    assert!(stderr.contains(fragment), "{what}: the message lacks {fragment:?}: {stderr}");
    assert!(!stderr.contains(HEALTH) && !stdout.contains(HEALTH), "{what}: the output echoes a health value:\nstdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.trim().is_empty(), "{what}: printed something on stdout (an acknowledged write?): {stdout}");
    stderr
}

#[test]
fn bad_input_is_refused_in_japanese_and_nothing_is_written() {
    let env = Env::new();
    let (wp, worker, doctor) = populated(&env);
    let good = consultation(&wp, &worker, &doctor, HEALTH);
    let final_id = env.add("consultation", &good);
    env.ok(&["finalize", &final_id]);
    let before = env.state();
    let record_before = env.ok_json(&["show", &final_id, "--json"]);

    let with = |patch: Value| {
        let mut v = good.clone();
        for (k, x) in patch.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    let interview = |total_hours: f64| {
        json!({
            "kind": "long_hours",
            "performed_on": "2025-06-20",
            "workplace_id": wp,
            "worker_id": worker,
            "doctor_id": doctor,
            "work_status": { "period_from": "2025-05-01", "period_to": "2025-05-31", "total_hours": total_hours, "duties": HEALTH },
            "result": { "special_notes": HEALTH },
        })
    };

    let cases: Vec<(&str, &str, String, &str)> = vec![
        ("an unknown field", "consultation", serde_json::to_string(&with(json!({ "diagnosis_code": "F32" }))).unwrap(), "不明な項目「diagnosis_code」"),
        ("a date that does not exist", "consultation", serde_json::to_string(&with(json!({ "performed_on": "2025-02-30" }))).unwrap(), "存在しない日付"),
        ("an impossible 和暦 date", "consultation", serde_json::to_string(&with(json!({ "performed_on": "令和7年2月29日" }))).unwrap(), "存在しない日付"),
        ("negative hours", "interview", serde_json::to_string(&interview(-5.0)).unwrap(), "負の値"),
        ("more hours than May has", "interview", serde_json::to_string(&interview(745.0)).unwrap(), "744時間"),
        ("a number where a list belongs", "consultation", serde_json::to_string(&with(json!({ "kinds": 3 }))).unwrap(), "値の種類が違います"),
        ("a choice that does not exist", "consultation", serde_json::to_string(&with(json!({ "place": "cafe" }))).unwrap(), "選べる値ではありません"),
        (
            "an unknown workplace",
            "consultation",
            serde_json::to_string(&with(json!({ "workplace_id": "no-such-workplace" }))).unwrap(),
            "事業場が見つかりません",
        ),
        ("JSON cut short", "consultation", format!("{{\"content\": \"{HEALTH}\", \"performed_on\": "), "途中で終わって"),
        ("malformed JSON", "consultation", format!("{{\"content\": \"{HEALTH}\",, \"place\": \"workplace_visit\"}}"), "書き方に誤り"),
        ("an unknown field in a workplace", "workplace", format!("{{\"name\": \"{HEALTH}\", \"colour\": \"赤\"}}"), "不明な項目「colour」"),
    ];
    for (what, kind, text, fragment) in &cases {
        let f = env.file("bad.json", text);
        refused(env.run(&["add", kind, "--json", path(&f)]), what, fragment);
    }
    let missing = env.tmp.path().join("no-such-file.json");
    refused(env.run(&["add", "consultation", "--json", path(&missing)]), "a missing input file", "ファイルを読み書きできません");

    // The wrong passphrase, with any command.
    for args in [&["list", "--json"][..], &["verify"], &["show", &final_id]] {
        let out = env.cmd(args).env("CHISANPO_PASSPHRASE", "ちがうパスフレーズです").output().unwrap();
        refused(out, &format!("the wrong passphrase ({})", args[0]), "パスフレーズが違います");
    }

    // Finalising what does not exist; amending without a reason.
    refused(env.run(&["finalize", "01900000-0000-7000-8000-000000000000"]), "finalize of an unknown id", "記録が見つかりません");
    let amended = env.json_file("amend.json", &with(json!({ "notes": "備考の追記" })));
    for reason in ["", "   ", "　"] {
        refused(
            env.run(&["amend", &final_id, "--json", path(&amended), "--reason", reason]),
            &format!("amend with reason {reason:?}"),
            "訂正の理由を入力してください",
        );
    }
    let bad_amend = env.json_file("bad-amend.json", &with(json!({ "performed_on": "2025-13-01" })));
    refused(env.run(&["amend", &final_id, "--json", path(&bad_amend), "--reason", "訂正"]), "amend with an impossible date", "日付");

    assert_eq!(env.state(), before, "a refused command wrote something");
    assert_eq!(env.ok_json(&["show", &final_id, "--json"]), record_before, "a refused amend changed the record");
    assert_eq!(env.ok_json(&["verify", "--json"])["ok"], true);
}

#[test]
fn verify_on_a_missing_data_folder_creates_nothing() {
    let env = Env::new();
    let stderr = refused(env.run(&["verify"]), "verify on a missing data folder", "ストアがまだ作られていません");
    assert!(stderr.contains("chisanpo init"), "the message should say how to create a store: {stderr}");
    // The code a script branches on comes with the message (the one conversion, ErrorDto).
    assert!(stderr.contains("（エラーコード: not_initialised）"), "the error code is missing: {stderr}");
    assert!(!env.data().exists(), "verify created the data folder");
    // An empty folder is the same.
    std::fs::create_dir(env.data()).unwrap();
    refused(env.run(&["list", "--json"]), "list on an empty folder", "ストアがまだ作られていません");
    assert_eq!(std::fs::read_dir(env.data()).unwrap().count(), 0, "list wrote into an empty folder");
}

#[test]
fn an_array_stops_at_the_first_bad_item_and_acknowledges_exactly_what_was_written() {
    let env = Env::new();
    let (wp, worker, doctor) = populated(&env);
    let before = ids_of(&env.ok_json(&["list", "--json"]));
    let mut bad = consultation(&wp, &worker, &doctor, HEALTH);
    bad["performed_on"] = json!("2025-02-30");
    let items =
        json!([consultation(&wp, &worker, &doctor, HEALTH), consultation(&wp, &worker, &doctor, HEALTH), bad, consultation(&wp, &worker, &doctor, HEALTH)]);
    let f = env.json_file("batch.json", &items);
    let out = env.run(&["add", "consultation", "--json", path(&f)]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("3件目") && stderr.contains("存在しない日付"), "the message must name the failing item: {stderr}");
    assert!(!stderr.contains(HEALTH), "{stderr}");
    let acked: BTreeSet<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect();
    assert_eq!(acked.len(), 2, "the two items before the bad one are acknowledged");
    let after = ids_of(&env.ok_json(&["list", "--json"]));
    assert_eq!(after.difference(&before).cloned().collect::<BTreeSet<_>>(), acked, "written records differ from the acknowledged ids");
}

// ---------------------------------------------------------------------------------------------
// d. Killed in the middle of a write loop
// ---------------------------------------------------------------------------------------------

/// Start `add consultation --json <file>`, read ids until `after` are acknowledged, kill the
/// process with SIGKILL, and return every id it printed in full.
fn add_and_kill(env: &Env, file: &Path, after: usize) -> Vec<String> {
    let mut child = env.cmd(&["add", "consultation", "--json", path(file)]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn chisanpo add");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut acked = Vec::new();
    let mut line = String::new();
    while acked.len() < after {
        line.clear();
        if stdout.read_line(&mut line).unwrap() == 0 {
            let mut err = String::new();
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            panic!("chisanpo add ended after {} ids, before {after}: {err}", acked.len());
        }
        acked.push(line.trim_end().to_string());
    }
    child.kill().expect("kill chisanpo add");
    let status = child.wait().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "chisanpo add was not killed mid-loop (it finished first?): {status}");
    }
    #[cfg(not(unix))]
    assert!(!status.success(), "chisanpo add was not killed mid-loop: {status}");
    // Ids already in the pipe were printed after their commit: they are acknowledged too. A
    // line cut short by the kill is not.
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let mut parts: Vec<&str> = rest.split('\n').collect();
    let unfinished = parts.pop().unwrap_or("");
    assert!(unfinished.len() < 36, "a whole id without its newline: {unfinished:?}");
    acked.extend(parts.into_iter().map(str::to_string));
    for id in &acked {
        assert_uuid(id);
    }
    acked
}

#[test]
fn every_acknowledged_record_survives_a_kill() {
    let env = Env::new();
    let (wp, worker, doctor) = populated(&env);
    let items: Vec<Value> = (0..3000).map(|i| consultation(&wp, &worker, &doctor, &format!("{i}件目の相談: 生活習慣の指導"))).collect();
    let file = env.json_file("many.json", &Value::Array(items));

    let mut all_acked = BTreeSet::new();
    let mut known = ids_of(&env.ok_json(&["list", "--json"]));
    for after in [300, 50, 700] {
        let acked = add_and_kill(&env, &file, after);
        assert!(acked.len() >= after);
        let out = env.ok(&["verify"]);
        assert!(out.contains("検査に合格しました"), "verify after a kill at {after}: {out}");
        let list = env.ok_json(&["list", "--json"]);
        let present = ids_of(&list);
        let missing: Vec<&String> = acked.iter().filter(|id| !present.contains(*id)).collect();
        assert!(missing.is_empty(), "kill after {after} acks: {} acknowledged ids are missing: {missing:?}", missing.len());
        for r in list.as_array().unwrap().iter().filter(|r| acked.iter().any(|a| r["id"] == a.as_str())) {
            assert_eq!((r["kind"].as_str(), r["status"].as_str()), (Some("consultation"), Some("draft")), "{r}");
        }
        // Writes are one at a time: at most the one in flight was committed but not printed.
        let new: BTreeSet<String> = present.difference(&known).cloned().collect();
        let unacked = new.len() - acked.len();
        assert!(unacked <= 1, "kill after {after}: {unacked} records were written but never acknowledged");
        all_acked.extend(acked);
        known = present;
    }
    let present = ids_of(&env.ok_json(&["list", "--json"]));
    assert!(all_acked.is_subset(&present), "an acknowledged record was lost by a later run");
    assert!(all_acked.len() >= 1050);
}

// ---------------------------------------------------------------------------------------------
// e. No display needed
// ---------------------------------------------------------------------------------------------

#[test]
fn headless_commands_need_no_display() {
    let env = Env::new();
    let headless = |args: &[&str]| {
        let mut c = env.cmd(args);
        c.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
        let out = c.output().unwrap();
        assert!(out.status.success(), "`chisanpo {}` without a display failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    headless(&["init", "--name", "産業 一郎"]);
    headless(&["demo", "--records", "20"]);
    assert!(headless(&["verify"]).contains("検査に合格しました"));
    let list: Value = serde_json::from_str(&headless(&["list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 20);
    assert_eq!(headless(&["list"]).lines().count(), 20);
}

// ---------------------------------------------------------------------------------------------
// A tampered store fails `verify` with its own exit status
// ---------------------------------------------------------------------------------------------

#[test]
fn verify_reports_a_tampered_audit_log_with_exit_status_3() {
    let env = Env::new();
    env.init();
    env.ok(&["demo", "--records", "30"]);
    {
        let conn = chisanpo_core::store::raw_connection(&env.data(), &chisanpo_core::store::Passphrase::new(PASS)).unwrap();
        conn.execute_batch("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor_name = '別人' WHERE seq = 5;").unwrap();
    }
    let out = env.run(&["verify"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "verify of a tampered store: {stderr}");
    assert!(stderr.contains("監査ログの5番目"), "the problem must name entry 5: {stderr}");
    let out = env.run(&["verify", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let report: Value = serde_json::from_slice(&out.stdout).expect("verify --json prints the report even when it fails");
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["chain_break"]["seq"], 5, "{report}");
}

// ---------------------------------------------------------------------------------------------
// A worker list from CSV
// ---------------------------------------------------------------------------------------------

#[test]
fn import_workers_stops_at_a_bad_line_unless_told_to_skip_it() {
    let env = Env::new();
    let (wp, _, _) = populated(&env);
    let csv = env.file(
        "名簿.csv",
        "\u{FEFF}氏名,ふりがな,性別,生年月日,所属\r\n鷲尾 ヒカル,ワシオ ヒカル,男,S60.4.1,製造\r\n佐藤 花子,サトウ ハナコ,女,R7.13.1,総務\r\n田中 三郎,タナカ サブロウ,男性,1990/4/1,製造\r\n",
    );
    let before = env.state();
    let stderr = refused(env.run(&["import-workers", "--workplace", &wp, path(&csv)]), "a CSV with a bad line", "3行目: 生年月日の列を日付として読めません");
    assert!(!stderr.contains("R7.13.1"), "the birth date typed is not echoed: {stderr}");
    assert!(stderr.contains("--skip-errors"), "{stderr}");
    assert_eq!(env.state(), before, "nothing is written");

    let preview = env.ok_json(&["import-workers", "--workplace", &wp, path(&csv), "--dry-run"]);
    assert_eq!((preview["ok"].as_u64(), preview["errors"].as_u64(), preview["duplicates"].as_u64()), (Some(1), Some(1), Some(1)), "{preview}");
    assert_eq!(env.state(), before, "a dry run writes nothing");

    let out = env.ok(&["import-workers", "--workplace", &wp, path(&csv), "--skip-errors"]);
    let ids: Vec<&str> = out.lines().collect();
    assert_eq!(ids.len(), 1, "{out}");
    assert_uuid(ids[0]);
    let workers = env.ok_json(&["search", "workers", "たなか", "--workplace", &wp]);
    assert_eq!(workers[0]["data"]["birth_date"], "1990-04-01", "{workers}");
    assert_eq!(env.ok_json(&["search", "workers", "", "--workplace", &wp]).as_array().unwrap().len(), 2, "鷲尾 was already there, 佐藤 is not imported");
    assert!(env.ok(&["verify"]).contains("検査に合格しました"));
}

// ---------------------------------------------------------------------------------------------
// d. The hours rules hold through `add`, `finalize` and `amend`, and `show`/`list` carry them
// ---------------------------------------------------------------------------------------------

/// A complete long-hours interview over the given period and hours, with the given 区分.
fn hours_interview(wp: &str, worker: &str, doctor: &str, period: (&str, &str), hours: Value, categories: Value) -> Value {
    let mut work_status = json!({ "period_from": period.0, "period_to": period.1, "categories": categories });
    for (k, v) in hours.as_object().unwrap() {
        work_status[k] = v.clone();
    }
    json!({
        "kind": "other_long_hours",
        "performed_on": "2025-06-20",
        "place": "medical_institution",
        "workplace_id": wp,
        "worker_id": worker,
        "doctor_id": doctor,
        "work_status": work_status,
        "result": {
            "fatigue": "moderate", "mind_body_attention": false, "diagnosis": "observation",
            "work_class": "restricted", "guidance": "health_guidance", "recommendation_needed": true
        },
        "opinion": { "hours_measures": [{ "type": "overtime_limit", "hours_per_month": 45.0 }] },
    })
}

#[test]
fn hours_rules_hold_through_add_finalize_amend_show_and_list() {
    let env = Env::new();
    let (wp, worker, doctor) = populated(&env);
    let feb_2025 = ("2025-02-01", "2025-02-28");

    // 240 h in a 28-day month is 80.0 h of overtime, which is not over 80: 「80時間超」 cannot be finalised.
    let id = env.add("interview", &hours_interview(&wp, &worker, &doctor, feb_2025, json!({ "total_hours": 240.0 }), json!(["over80"])));
    let out = env.run(&["finalize", &id]);
    assert!(!out.status.success(), "a 区分 the hours contradict was finalised");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("80.0時間") && stderr.contains("時間外・休日労働月80時間超の者") && stderr.contains("月45時間超"), "{stderr}");
    // Nor as a 法66条の8 interview, which needs more than 80 h.
    let mut as_mandatory = hours_interview(&wp, &worker, &doctor, feb_2025, json!({ "total_hours": 240.0 }), json!([]));
    as_mandatory["kind"] = json!("long_hours");
    let mandatory = env.add("interview", &as_mandatory);
    let out = env.run(&["finalize", &mandatory]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("法66条の8の面接指導は時間外・休日労働時間が月80時間を超える場合"), "{out:?}");

    // Overtime typed directly is bounded by the month: 600 h in February 2024 cannot be.
    let f =
        env.json_file("too-much.json", &hours_interview(&wp, &worker, &doctor, ("2024-02-01", "2024-02-29"), json!({ "overtime_hours": 600.0 }), json!([])));
    refused(env.run(&["add", "interview", "--json", path(&f)]), "600 h of overtime in February 2024", "530.3時間");

    // Typed overtime of 84.3, 100.1 and 45.1 h: the class is computed, printed and shown.
    // (Each its own worker: a second interview of one worker in a year is charged a fee.)
    let may = ("2025-05-01", "2025-05-31");
    for (n, (overtime, class)) in [(84.3, "over80"), (100.1, "over100"), (45.1, "over45")].into_iter().enumerate() {
        let worker = env.add("worker", &json!({ "workplace_id": wp, "name": format!("時間 {n}"), "kana": "ジカン" }));
        let id = env.add("interview", &hours_interview(&wp, &worker, &doctor, may, json!({ "overtime_hours": overtime }), json!(["company_standard"])));
        env.ok(&["finalize", &id]);
        let shown = env.ok_json(&["show", &id, "--json"]);
        assert_eq!(shown["facts"]["hours"]["overtime_hours"], overtime, "{shown}");
        assert_eq!(shown["facts"]["hours"]["class"], class, "{shown}");
        assert_eq!(shown["facts"]["printed_categories"], json!(["company_standard", class]), "{shown}");
        let listed = env.ok_json(&["list", "--kind", "interview", "--json"]);
        let row = listed.as_array().unwrap().iter().find(|r| r["id"] == id.as_str()).expect("listed");
        assert_eq!(row["hours_category"], class, "{row}");
        assert!(row["hours"]["total_hours"].as_f64().unwrap() > overtime, "{row}");
        // The list carries the hours only: findings and warnings stay in the record.
        assert!(row.get("facts").is_none() && !row.to_string().contains("warnings"), "{row}");
    }

    // `amend` holds the same rule: 84.3 h cannot become 「100時間超」.
    let worker = env.add("worker", &json!({ "workplace_id": wp, "name": "訂正 太郎", "kana": "テイセイ タロウ" }));
    let id = env.add("interview", &hours_interview(&wp, &worker, &doctor, may, json!({ "overtime_hours": 84.3 }), json!([])));
    env.ok(&["finalize", &id]);
    let wrong = env.json_file("wrong.json", &hours_interview(&wp, &worker, &doctor, may, json!({ "overtime_hours": 84.3 }), json!(["over100"])));
    let out = env.run(&["amend", &id, "--json", path(&wrong), "--reason", "区分の訂正"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("84.3時間"), "{out:?}");
    assert_eq!(env.ok_json(&["show", &id, "--json"])["summary"]["version"], 1);
    assert_eq!(env.ok_json(&["verify", "--json"])["ok"], true);
}
