//! The core's layers (ADR 0027): each top-level module may use only the modules below it, so
//! that no import cycle can come back while the layers are still modules of one crate. (`error`,
//! `paths` and `domain` are the crate `chisanpo-domain`, `forms` the crate `chisanpo-forms`,
//! re-exported; cargo itself keeps those crates from using anything above them.) Read from
//! the sources: every `crate::module` path outside `#[cfg(test)]` code, and every `self.method(`
//! call inside an `impl Store` block to a `Store` method that a higher module defines (the way
//! the store used to reach the fee gate in `ledger` unseen).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom to top. A module may use the ones before it in this list.
const LAYERS: &[&str] = &["error", "paths", "domain", "forms", "store", "print", "ledger", "settings", "delivery", "demo"];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|m| *m == module)
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The file's code without its `#[cfg(test)]` module (tests may reach anywhere in the crate).
fn code_of(path: &Path) -> String {
    let s = std::fs::read_to_string(path).unwrap();
    match s.find("#[cfg(test)]\nmod tests") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Lines without `//` comments (a comment may name a module it does not use).
fn without_comments(code: &str) -> String {
    code.lines().map(|l| l.find("//").map_or(l, |i| &l[..i])).collect::<Vec<_>>().join("\n")
}

struct Module {
    name: String,
    file: String,
    code: String,
}

fn modules() -> Vec<Module> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let name = rel.split('/').next().unwrap().trim_end_matches(".rs").to_string();
        if name == "lib" {
            continue;
        }
        out.push(Module { name, file: rel, code: without_comments(&code_of(&f)) });
    }
    out
}

/// `crate::name` references, by the module they name.
fn references(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !name.is_empty() {
            out.insert(name);
        }
        rest = after;
    }
    out
}

/// The bodies of `impl Store { … }` blocks (to the closing brace at the start of a line).
fn store_impls(code: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("\nimpl Store {") {
        let body = &rest[i + 1..];
        let end = body.find("\n}\n").map_or(body.len(), |e| e + 2);
        out.push(&body[..end]);
        rest = &body[end..];
    }
    out
}

/// The methods an `impl Store` block defines.
fn methods(body: &str) -> Vec<String> {
    body.lines()
        .filter_map(|l| {
            let l = l.strip_prefix("    ")?;
            let l = l.strip_prefix("pub(crate) ").or_else(|| l.strip_prefix("pub ")).unwrap_or(l);
            let name: String = l.strip_prefix("fn ")?.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            Some(name)
        })
        .collect()
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let modules = modules();
    let mut upward: Vec<String> = Vec::new();
    let mut unknown: BTreeSet<String> = BTreeSet::new();
    for m in &modules {
        let Some(mine) = rank(&m.name) else {
            unknown.insert(m.name.clone());
            continue;
        };
        for r in references(&m.code) {
            match rank(&r) {
                Some(theirs) if theirs > mine => upward.push(format!("{} uses crate::{r}", m.file)),
                Some(_) => {}
                None => {
                    // `crate::Error`, `crate::Result` (re-exports of `error`) and the like.
                    if r.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                        unknown.insert(r);
                    }
                }
            }
        }
    }
    assert!(unknown.is_empty(), "modules missing from LAYERS (add them where they belong, and to ADR 0027): {unknown:?}");
    assert!(upward.is_empty(), "a module uses a layer above it (ADR 0027):\n{}", upward.join("\n"));
}

#[test]
fn no_store_method_calls_a_method_a_higher_layer_adds_to_the_store() {
    let modules = modules();
    // Which layer defines each `Store` method.
    let mut defined: BTreeMap<String, usize> = BTreeMap::new();
    for m in &modules {
        for body in store_impls(&m.code) {
            for name in methods(body) {
                defined.insert(name, rank(&m.name).unwrap());
            }
        }
    }
    assert!(defined.contains_key("fee_gate") && defined.contains_key("verify") && defined.contains_key("fonts"), "the sources were read");
    let mut upward = Vec::new();
    for m in &modules {
        let mine = rank(&m.name).unwrap();
        for body in store_impls(&m.code) {
            for (name, layer) in &defined {
                if *layer > mine && body.contains(&format!("self.{name}(")) {
                    upward.push(format!("{} calls self.{name}(), which {} defines", m.file, LAYERS[*layer]));
                }
            }
        }
    }
    assert!(upward.is_empty(), "a store method reaches up a layer (ADR 0027):\n{}", upward.join("\n"));
}
