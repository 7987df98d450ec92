//! Each table of the encrypted store has one owner: the store (ADR 0027). No SQL statement that
//! names a table or view of the store's schema is written outside the crate `chisanpo-store`, in any crate of the
//! workspace; the ledgers, the forms, delivery and the demo call the store's functions. (The
//! centre's PostgreSQL is another database with its own schema: `consolidation/postgres.rs`
//! owns it.) Read from the sources, tests excluded, with the table names read from the
//! store's migrations, so a new table is covered the day it is made.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The files outside the store allowed SQL: the centre's PostgreSQL, another database: its
/// schema and store, its batched import (ADR 0030), and the move of a centre's consolidated
/// records into it (ADR 0031, which reads the store through the store's functions). They never
/// open the store's database.
const OTHER_DATABASE: &[&str] = &["consolidation/postgres.rs", "consolidation/pg_batch.rs", "consolidation/move_to.rs"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "target" || n == "node_modules") {
                continue;
            }
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The store's directory: its sources and its migrations.
fn store_dir() -> PathBuf {
    workspace().join("store/src")
}

/// Every table and view the store's migrations create.
fn store_tables() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(store_dir().join("migrations")).unwrap() {
        let sql = std::fs::read_to_string(e.unwrap().path()).unwrap();
        let words: Vec<&str> = sql.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
        for w in words.windows(3) {
            if w[0].eq_ignore_ascii_case("CREATE") && (w[1].eq_ignore_ascii_case("TABLE") || w[1].eq_ignore_ascii_case("VIEW")) {
                out.insert(w[2].to_string());
            }
        }
        for w in words.windows(6) {
            if w[0].eq_ignore_ascii_case("CREATE")
                && w[1].eq_ignore_ascii_case("TABLE")
                && w[2].eq_ignore_ascii_case("IF")
                && w[3].eq_ignore_ascii_case("NOT")
                && w[4].eq_ignore_ascii_case("EXISTS")
            {
                out.insert(w[5].to_string());
            }
        }
    }
    out.retain(|t| !t.eq_ignore_ascii_case("IF"));
    out
}

/// The code without its `#[cfg(test)]` module and `//` comments.
fn code_of(path: &Path) -> String {
    let s = std::fs::read_to_string(path).unwrap();
    let s = match s.find("#[cfg(test)]\nmod tests") {
        Some(i) => &s[..i],
        None => &s[..],
    };
    s.lines().map(|l| l.find("//").map_or(l, |i| &l[..i])).collect::<Vec<_>>().join("\n")
}

/// The statements in `code` that reach one of `tables`: (line, table).
fn sql_on(code: &str, tables: &BTreeSet<String>) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let words: Vec<&str> = line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
        for w in words.windows(2) {
            let verb = ["FROM", "INTO", "UPDATE", "JOIN", "TABLE", "EXISTS"].contains(&w[0]);
            if verb && tables.contains(w[1]) {
                out.push((n + 1, w[1].to_string()));
            }
        }
    }
    out
}

#[test]
fn the_store_alone_writes_sql_over_its_tables() {
    let tables = store_tables();
    // The check would pass vacuously if the names were not found.
    for t in ["records", "record_versions", "audit_log", "fees", "ledger_numbers", "outbox", "consolidated_versions", "consolidated_current"] {
        assert!(tables.contains(t), "{t} not found in the migrations: {tables:?}");
    }
    let mut files = Vec::new();
    sources(&workspace(), &mut files);
    files.sort();
    let store = store_dir().canonicalize().unwrap();
    let mut found_in_store = 0;
    let mut outside = Vec::new();
    for f in files {
        let rel = f.canonicalize().unwrap();
        let hits = sql_on(&code_of(&f), &tables);
        if rel.starts_with(&store) {
            found_in_store += hits.len();
            continue;
        }
        if OTHER_DATABASE.iter().any(|o| rel.to_string_lossy().replace('\\', "/").ends_with(o)) {
            assert!(!code_of(&f).contains("rusqlite"), "{} reads the store through the store's functions only", f.display());
            continue;
        }
        if rel.to_string_lossy().contains("/tests/") || rel.to_string_lossy().contains("/benches/") {
            continue;
        }
        for (line, table) in hits {
            outside.push(format!("{}:{line} ({table})", f.display()));
        }
    }
    // The detector finds the store's own SQL, so an empty `outside` means something.
    assert!(found_in_store > 100, "only {found_in_store} statements found in the store");
    assert!(outside.is_empty(), "SQL over the store's tables outside the store (move it into a store function):\n{}", outside.join("\n"));
}
