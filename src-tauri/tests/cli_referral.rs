//! The directory and a referral on the command line, as a centre's script would: a cp932 list
//! imported, searched by kind and area, exported in cp932 and read back by encoding_rs and the csv
//! crate; a bad list refused in Japanese with nothing written; a referral filled from its
//! consultation, finalised, listed as awaiting, and its outcome recorded.

use serde_json::json;

mod common;

use common::*;

const LIST: &str = "機関名,種別,住所,地域,電話\r\n\
                    こころのクリニック,精神科・心療内科,静岡市葵区追手町1-1,静岡市,054-000-0001\r\n\
                    浜松こころの診療所,1,浜松市中央区1-1,浜松市,053-000-0001\r\n\
                    静岡県産業保健総合支援センター,4,静岡市葵区1-2,静岡市,054-000-0002\r\n";

#[test]
fn the_directory_and_a_referral_from_the_command_line() {
    let env = Env::new();
    let (wp, worker, doctor) = populated(&env);
    let (cp932, _, bad) = encoding_rs::SHIFT_JIS.encode(LIST);
    assert!(!bad);
    let list = env.tmp.path().join("名簿.csv");
    std::fs::write(&list, &cp932).unwrap();
    assert!(env.ok(&["directory", "import", path(&list)]).contains("追加 3 件"));
    assert!(env.ok(&["directory", "import", path(&list)]).contains("変更なし 3 件"), "imported twice, added once");

    let psych = env.ok_json(&["directory", "list", "--kind", "精神科・心療内科", "--area", "静岡", "--json"]);
    let names: Vec<&str> = psych.as_array().unwrap().iter().map(|r| r["data"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["こころのクリニック"]);
    let clinic = psych[0]["id"].as_str().unwrap().to_string();

    let out = env.tmp.path().join("書き出し.csv");
    env.ok(&["directory", "export", "--out", path(&out), "--encoding", "cp932"]);
    let bytes = std::fs::read(&out).unwrap();
    let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!errors);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["名称", "フリガナ", "種別", "郵便番号", "所在地", "地域", "電話番号", "対応内容", "備考"]
    );
    assert_eq!(reader.records().count(), 3);

    // A bad list: every bad line named, in Japanese, and nothing taken.
    let bad = env.file("悪い名簿.csv", "名称,種別\n新しい病院,歯科\n,医療機関\n");
    let run = env.run(&["directory", "import", path(&bad)]);
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("2行目") && err.contains("3行目") && err.contains("種別は"), "{err}");
    assert_eq!(env.ok_json(&["directory", "list", "--json"]).as_array().unwrap().len(), 3);

    // A referral from a finalised consultation.
    let c = env.add("consultation", &consultation(&wp, &worker, &doctor, "不眠が続く。"));
    env.ok(&["finalize", &c]);
    let mut r = env.ok_json(&["referral-template", "--from", &c]);
    assert_eq!((r["worker_id"].as_str(), r["referred_on"].as_str()), (Some(worker.as_str()), Some("2025-06-10")));
    r["body_id"] = json!(clinic);
    let id = env.add("referral", &r);
    env.ok(&["finalize", &id]);
    let awaiting = env.ok_json(&["referrals", "--awaiting", "--json"]);
    assert_eq!(awaiting[0]["id"], id.as_str(), "made in 2025, no outcome since");
    assert_eq!(awaiting[0]["body_name"], "こころのクリニック");
    env.ok(&["directory", "remove", &clinic]);
    assert!(env.ok(&["outcome", &id, "--result", "attended", "--on", "2025-06-24"]).contains("第2版"));
    assert_eq!(env.ok_json(&["referrals", "--awaiting", "--json"]).as_array().unwrap().len(), 0);
    let all = env.ok_json(&["referrals", "--from", &c, "--json"]);
    assert_eq!((all[0]["outcome"].as_str(), all[0]["body_name"].as_str()), (Some("attended"), Some("こころのクリニック")));
    let bad_date = env.run(&["outcome", &id, "--result", "unknown", "--on", "2025-06-01"]);
    assert!(!bad_date.status.success() && String::from_utf8_lossy(&bad_date.stderr).contains("紹介日"));
}
