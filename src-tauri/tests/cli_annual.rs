//! `chisanpo settings` for the annual report's 労働局名 and 圏域の数, and `chisanpo report annual`
//! reading them and the staff list back: the real binary against its own store.

use serde_json::{json, Value};

mod common;

use common::*;

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn annual_json(env: &Env) -> Value {
    let xlsx = env.tmp.path().join("実績報告書.xlsx");
    let json = env.tmp.path().join("実績報告書.json");
    env.ok(&["report", "annual", "--fiscal-year", "2025", "--out", path(&xlsx), "--json", path(&json)]);
    serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap()
}

#[test]
fn the_labour_bureau_and_zone_count_are_set_checked_and_printed() {
    let env = Env::new();
    env.init();

    // Until set, the report says which cells are blank and how to fill them.
    let out = env.run(&["report", "annual", "--fiscal-year", "2025", "--out", path(&env.tmp.path().join("a.xlsx"))]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(err.contains("2 労働局名が空欄です") && err.contains("--labour-bureau"), "{err}");
    assert!(err.contains("3 圏域の数が空欄です") && err.contains("--zone-count"), "{err}");
    let shown = env.ok(&["settings"]);
    assert!(shown.contains("労働局名: （未設定）") && shown.contains("圏域の数: （未設定）"), "{shown}");

    // Set, as typed with the prefecture's suffix and full-width digits: stored as printed.
    let shown = env.ok(&["settings", "--labour-bureau", "東京都", "--zone-count", "５"]);
    assert!(shown.contains("労働局名: 東京労働局") && shown.contains("圏域の数: 5"), "{shown}");
    let r = annual_json(&env);
    assert_eq!((r["labour_bureau"].as_str(), r["zone_count"].as_str()), (Some("東京労働局"), Some("5")));
    assert_eq!(r["unset_fields"].as_array().map(Vec::len), Some(1), "only the centre's name is left: {}", r["unset_fields"]);

    // Bad values: refused in Japanese, naming the field, and nothing is written — not even the
    // good one given beside a bad one.
    for (args, says) in [
        (vec!["--zone-count", "0"], "圏域の数は1から99までの整数"),
        (vec!["--zone-count", "100"], "圏域の数は1から99までの整数"),
        (vec!["--zone-count", "三"], "圏域の数は1から99までの整数"),
        (vec!["--labour-bureau", ""], "労働局名を入力してください"),
        (vec!["--labour-bureau", "関東労働局"], "都道府県労働局の名前ではありません"),
        (vec!["--labour-bureau", "大阪", "--zone-count", "0"], "圏域の数は1から99までの整数"),
        (vec!["--labour-bureau", "関東", "--zone-count", "7"], "都道府県労働局の名前ではありません"),
    ] {
        let mut all = vec!["settings"];
        all.extend(&args);
        let out = env.run(&all);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr_of(&out);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(String::from_utf8_lossy(&out.stdout).trim().is_empty(), "{args:?}");
    }
    let both = stderr_of(&env.run(&["settings", "--labour-bureau", "関東", "--zone-count", "0"]));
    assert!(both.contains("労働局名") && both.contains("圏域の数"), "both fields are named: {both}");
    let shown = env.ok(&["settings"]);
    assert!(shown.contains("労働局名: 東京労働局") && shown.contains("圏域の数: 5"), "unchanged: {shown}");
}

#[test]
fn a_chief_coordinator_who_also_coordinates_counts_two() {
    let env = Env::new();
    env.init();
    env.add("staff", &json!({ "role": "coordinator", "name": "調整 三郎" }));
    let chief = env.add("staff", &json!({ "role": "chief_coordinator", "name": "統括 四郎", "concurrent_coordinator": true }));
    env.add("staff", &json!({ "role": "chief_coordinator", "name": "統括 五郎" }));
    let r = annual_json(&env);
    // 調整 1 + 統括兼務 2 + 統括 1.
    assert_eq!(r["staff"]["coordinators"]["value"], 4);
    assert_eq!(r["staff"]["coordinators"]["ids"].as_array().unwrap().len(), 3);
    assert_eq!(r["staff"]["concurrent_chief_coordinators"]["ids"], json!([chief]));

    // The flag is only for a 統括コーディネーター.
    let file = env.json_file("bad_staff.json", &json!({ "role": "coordinator", "name": "調整 六郎", "concurrent_coordinator": true }));
    let out = env.run(&["add", "staff", "--json", path(&file)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("コーディネーター兼務は役割が統括コーディネーターの人にだけ"), "{}", stderr_of(&out));
    assert_eq!(annual_json(&env)["staff"]["coordinators"]["value"], 4, "nothing was added");
}

/// A 統括 already on the staff list is marked 兼務 by `update`, not by adding the person again.
#[test]
fn an_existing_chief_is_marked_concurrent_by_update() {
    let env = Env::new();
    env.init();
    let chief = env.add("staff", &json!({ "role": "chief_coordinator", "name": "統括 七郎" }));
    let before = annual_json(&env)["staff"]["coordinators"]["value"].as_u64().unwrap();
    let file = env.json_file("chief.json", &json!({ "role": "chief_coordinator", "name": "統括 七郎", "concurrent_coordinator": true }));
    let out = env.ok(&["update", "staff", &chief, "--json", path(&file)]);
    assert!(out.contains("更新しました"), "{out}");
    let r = annual_json(&env);
    assert_eq!(r["staff"]["coordinators"]["value"].as_u64().unwrap(), before + 1, "the 統括兼務 now counts 2: {r}");
    assert_eq!(r["staff"]["concurrent_chief_coordinators"]["ids"], json!([chief]));
    // The same rule as for `add`: not for another role.
    let bad = env.json_file("bad.json", &json!({ "role": "coordinator", "name": "統括 七郎", "concurrent_coordinator": true }));
    let out = env.run(&["update", "staff", &chief, "--json", path(&bad)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_eq!(annual_json(&env)["staff"]["concurrent_chief_coordinators"]["ids"], json!([chief]), "nothing changed");
}
