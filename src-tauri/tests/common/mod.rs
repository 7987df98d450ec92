//! Shared helpers of the CLI integration tests: a temporary data folder and the real binary.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

pub const PASS: &str = "コマンドラインのパスフレーズ";
/// A health value put into records; it must never be echoed in an error message.
pub const HEALTH: &str = "右下肢のしびれと抑うつ気分の訴え";

/// A temporary folder with the data folder inside it (not yet created) and a place for inputs.
pub struct Env {
    pub tmp: tempfile::TempDir,
}

impl Default for Env {
    fn default() -> Self {
        Self::new()
    }
}

impl Env {
    pub fn new() -> Self {
        Env { tmp: tempfile::tempdir().expect("a temporary folder") }
    }

    pub fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    /// `chisanpo --data-dir <data> …` with the passphrase set and nothing inherited that could
    /// point it elsewhere.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_chisanpo"));
        c.arg("--data-dir").arg(self.data()).args(args);
        c.env("CHISANPO_PASSPHRASE", PASS)
            .env_remove("CHISANPO_DATA_DIR")
            .env_remove("CHISANPO_NEW_PASSPHRASE")
            .env_remove("CHISANPO_RECOVERY_KEY")
            .stdin(Stdio::null());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("the chisanpo binary runs")
    }

    /// Run and require success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "`chisanpo {}` failed ({}):\nstdout: {}\nstderr: {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("stdout is UTF-8")
    }

    pub fn ok_json(&self, args: &[&str]) -> Value {
        let out = self.ok(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("`chisanpo {}` did not print JSON ({e}):\n{out}", args.join(" ")))
    }

    pub fn init(&self) {
        let out = self.ok(&["init", "--name", "産業 一郎", "--role", "doctor", "--affiliation", "さんぽクリニック"]);
        assert!(out.contains("回復キー"), "init did not show the recovery key:\n{out}");
    }

    /// Write an input file outside the data folder.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.tmp.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn json_file(&self, name: &str, v: &Value) -> PathBuf {
        self.file(name, &serde_json::to_string_pretty(v).unwrap())
    }

    /// `add <what> --json <v>`: the one id printed.
    pub fn add(&self, what: &str, v: &Value) -> String {
        let f = self.json_file(&format!("add-{what}.json"), v);
        let out = self.ok(&["add", what, "--json", path(&f)]);
        let ids: Vec<&str> = out.lines().collect();
        assert_eq!(ids.len(), 1, "`add {what}` printed {out:?}");
        assert_uuid(ids[0]);
        ids[0].to_string()
    }

    /// Everything a failed command could have written, as the CLI shows it.
    pub fn state(&self) -> Value {
        json!({
            "records": self.ok_json(&["list", "--json"]),
            "workers": self.ok_json(&["search", "workers", "", "--limit", "1000"]),
            "workplaces": self.ok_json(&["search", "workplaces", "", "--limit", "1000"]),
        })
    }
}

pub fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

pub fn assert_uuid(s: &str) {
    assert!(s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-'), "not an id: {s:?}");
}

pub fn has_japanese(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}'))
}

/// A store with a workplace, a worker and a doctor; returns (workplace, worker, doctor).
pub fn populated(env: &Env) -> (String, String, String) {
    env.init();
    let wp = env.add("workplace", &json!({ "name": "鷲尾製作所", "kana": "ワシオセイサクショ", "industry": "E", "workers_male": 10, "workers_female": 4 }));
    let worker =
        env.add("worker", &json!({ "workplace_id": wp, "name": "鷲尾 ヒカル", "kana": "ワシオ ヒカル", "sex": "male", "birth_date": "昭和60年4月1日" }));
    let doctor = env.add("staff", &json!({ "role": "doctor", "name": "診療 次郎", "kana": "シンリョウ ジロウ", "affiliation": "みなと産業医事務所" }));
    (wp, worker, doctor)
}

pub fn consultation(wp: &str, worker: &str, doctor: &str, content: &str) -> Value {
    json!({
        "performed_on": "2025-06-10",
        "start_time": "14:00",
        "end_time": "14:45",
        "place": "workplace_visit",
        "doctor_id": doctor,
        "workplace_id": wp,
        "worker_id": worker,
        "requester": "worker",
        "kinds": ["health_guidance", "mental_health"],
        "referral": false,
        "content": content,
    })
}

pub fn ids_of(list: &Value) -> BTreeSet<String> {
    list.as_array().expect("list --json prints an array").iter().map(|r| r["id"].as_str().expect("every record has an id").to_string()).collect()
}
