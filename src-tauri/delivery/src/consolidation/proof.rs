//! Rows that prove themselves (ADR 0026): every consolidated version must be carried, with the
//! same hash and metadata, by a payload its own device signed (kept as it arrived, with the
//! signature), the signature must verify under the key enrolled for that device, the current
//! version of each record must be the newest proven version of the device that owns it, and an
//! enrolled key must be the one this coordinator's store recorded when it enrolled the device.
//! Shared by the embedded store and PostgreSQL: each reads its own tables and feeds them in.
//!
//! What it reports holds ids, version numbers, file names and database role names only.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::bundle::Payload;
use crate::error::Result;
use crate::keys::verify;
use crate::store::audit::sha256_hex;
use crate::store::Store;

/// A consolidated version the check names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionRef {
    pub record_id: String,
    pub version: u32,
    pub device_id: String,
    /// The database role that wrote the row, as the server recorded it (PostgreSQL only).
    pub received_by: Option<String>,
}

/// An enrolled device the check names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceRef {
    pub device_id: String,
    /// The database role that enrolled it, as the server recorded it (PostgreSQL only).
    pub enrolled_by: Option<String>,
}

/// What `Consolidation::check_proofs` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProofCheck {
    /// Nothing below that is a problem (`bad_payloads`, `unsealed_tombstones`, `unproven`,
    /// `unproven_destructions`, `missing`, `wrong_current`, `changed_keys`).
    pub ok: bool,
    pub payloads_checked: usize,
    pub versions_checked: usize,
    /// Kept payloads whose signature does not verify under their device's enrolled key, or that
    /// are not this centre's (file names).
    pub bad_payloads: Vec<String>,
    /// Payloads removed with a destroyed record whose removal no coordinator's app sealed with
    /// the centre's signing key after checking them (file names): their entries vouch for nothing.
    pub unsealed_tombstones: Vec<String>,
    /// Versions no verified payload of their own device carries with the same hash and metadata:
    /// written into the database directly, or changed there.
    pub unproven: Vec<VersionRef>,
    /// Device-reported 廃棄記録 (destruction ids) no verified payload of their device carries.
    pub unproven_destructions: Vec<String>,
    /// Versions a verified payload carries that are not in the consolidated store (a bundle
    /// recorded as applied while its versions were held back).
    pub missing: Vec<VersionRef>,
    /// Records whose current version (the one the 台帳 and the 実績報告書 show) is not the newest
    /// proven version of the device the record belongs to.
    pub wrong_current: Vec<String>,
    /// Devices whose key in the consolidated store is not the key this coordinator's store
    /// recorded when it enrolled them.
    pub changed_keys: Vec<String>,
    /// Not a problem: versions whose payload was removed with a destroyed record (it held that
    /// record's content), so their signature can no longer be checked.
    pub proof_destroyed: Vec<VersionRef>,
    /// Not a problem: versions that arrived before payloads were kept (before ADR 0026).
    pub before_proofs: Vec<VersionRef>,
    /// Not a problem by itself: devices this coordinator's store did not enrol (another
    /// coordinator did, or someone wrote them into the database), with who enrolled them.
    pub enrolled_elsewhere: Vec<DeviceRef>,
    /// What is wrong, for people, in Japanese (ids only).
    pub problems: Vec<String>,
}

/// One row of `consolidated_versions`, as the check needs it.
pub(crate) struct VersionRow {
    pub record_id: String,
    pub version: u32,
    pub content_hash: String,
    pub kind: String,
    pub device_id: String,
    pub content: String,
    pub reason: Option<String>,
    pub author_id: String,
    pub author_name: String,
    pub created_at: String,
    /// When it reached the consolidated store (seconds; the server's clock on PostgreSQL).
    pub arrived: f64,
    pub received_by: Option<String>,
    /// Written before payloads were kept (PostgreSQL: no `received_at`).
    pub before_proofs: bool,
}

/// The identity of a version or destruction entry as its device signed it.
fn digest(device: &str, entry_type: &str, record_id: &str, version: u32, content_hash: &str, meta: &[Option<&str>]) -> String {
    sha256_hex(serde_json::json!([device, entry_type, record_id, version, content_hash, meta]).to_string().as_bytes())
}

/// A version's identity: its device, record, number and hash, and `[kind, reason, author id,
/// author name, created at]`.
fn version_digest(device: &str, record_id: &str, version: u32, content_hash: &str, meta: [Option<&str>; 5]) -> String {
    digest(device, "version", record_id, version, content_hash, &meta)
}

fn destruction_digest(device: &str, record_id: &str, content_hash: &str) -> String {
    digest(device, "destruction", record_id, 0, content_hash, &[])
}

/// What one record's versions say, for the check of its current version.
#[derive(Default)]
struct RecordSeen {
    /// (version, content hash, device, proven or its proof destroyed or from before proofs)
    versions: Vec<(u32, String, String, bool)>,
    /// The earliest arrival and the devices whose versions arrived then.
    first: Option<(f64, HashSet<String>)>,
}

/// Fed with a store's rows, in any order except: devices and payloads (and removed payloads)
/// before versions and destructions; then `finish`.
pub(crate) struct Prover {
    centre_id: String,
    keys: HashMap<String, (String, Option<String>)>,
    /// Digests of the entries of verified payloads.
    proven: HashSet<String>,
    /// (device, record, version, content hash) of entries of payloads removed by a destruction,
    /// with when the payload was removed (seconds): a version that arrived later is not covered.
    destroyed: HashMap<(String, String, u32, String), f64>,
    records: BTreeMap<String, RecordSeen>,
    /// Entries of verified payloads not yet seen in the store: versions by (record, version,
    /// content hash), with their device; destructions by id, with their record and device.
    expected: BTreeMap<(String, u32, String), String>,
    expected_destructions: BTreeMap<String, (String, String)>,
    latest: Vec<(String, u32, String, String)>,
    out: ProofCheck,
}

impl Prover {
    /// `devices`: (device id, enrolled public key, who enrolled it).
    pub fn new(centre_id: String, devices: impl IntoIterator<Item = (String, String, Option<String>)>) -> Self {
        Prover {
            centre_id,
            keys: devices.into_iter().map(|(d, k, by)| (d, (k, by))).collect(),
            proven: HashSet::new(),
            destroyed: HashMap::new(),
            records: BTreeMap::new(),
            expected: BTreeMap::new(),
            expected_destructions: BTreeMap::new(),
            latest: Vec::new(),
            out: ProofCheck::default(),
        }
    }

    /// A kept payload: verified under its device's enrolled key, and its entries remembered.
    pub fn payload(&mut self, file: &str, device_id: &str, text: &str, signature: &str) {
        self.out.payloads_checked += 1;
        let key = self.keys.get(device_id).map(|(k, _)| k.as_str());
        let payload = serde_json::from_str::<Payload>(text).ok();
        let good = key.is_some_and(|k| verify(k, text.as_bytes(), signature));
        let Some(p) = payload.filter(|p| good && p.device_id == device_id && p.centre_id == self.centre_id) else {
            self.out.bad_payloads.push(file.to_string());
            self.out.problems.push(format!(
                "配送ファイル {file}（端末 {device_id}）: 保存された署名が、登録されている端末の鍵で確かめられません（データベースで書き換えられたか、別のセンターのものです）"
            ));
            return;
        };
        for e in &p.entries {
            // The content must match its hash, as the import checked.
            if sha256_hex(e.content.as_bytes()) != e.content_hash {
                continue;
            }
            let d = if e.entry_type == "destruction" {
                self.expected_destructions.insert(super::destruction_id(&e.content, &e.content_hash), (e.record_id.clone(), device_id.to_string()));
                destruction_digest(device_id, &e.record_id, &e.content_hash)
            } else {
                self.expected.insert((e.record_id.clone(), e.version, e.content_hash.clone()), device_id.to_string());
                version_digest(
                    device_id,
                    &e.record_id,
                    e.version,
                    &e.content_hash,
                    [Some(&e.kind), e.reason.as_deref(), Some(&e.author_id), Some(&e.author_name), Some(&e.created_at)],
                )
            };
            self.proven.insert(d);
        }
    }

    /// A payload removed with a destroyed record: its entries' ids and hashes, as JSON
    /// `[[entry_type, record_id, version, content_hash], …]`, removed at `destroyed_at`
    /// (seconds). Its entries vouch for versions only when `tombstone` is trusted.
    pub fn removed_payload(&mut self, device_id: &str, entries: &str, destroyed_at: f64, tombstone: Tombstone) {
        if let Tombstone::Unsealed { file, destroyed_by } = tombstone {
            self.out.problems.push(format!(
                "廃棄で取り除かれた配送内容 {file}（端末 {device_id}{}）: センターの鍵による確認の署名がありません（アプリを通さずに廃棄されたか、データベースで書き加えられています）。この配送内容にあった版は確かめられません",
                destroyed_by.as_deref().map(|b| format!("、廃棄したデータベースのユーザー {b}")).unwrap_or_default()
            ));
            self.out.unsealed_tombstones.push(file);
            return;
        }
        let rows: Vec<(String, String, u32, String)> = serde_json::from_str(entries).unwrap_or_default();
        for (_, record, version, hash) in rows {
            self.destroyed.insert((device_id.to_string(), record, version, hash), destroyed_at);
        }
    }

    pub fn version(&mut self, v: VersionRow) {
        self.out.versions_checked += 1;
        self.expected.remove(&(v.record_id.clone(), v.version, v.content_hash.clone()));
        let proven = sha256_hex(v.content.as_bytes()) == v.content_hash
            && self.proven.contains(&version_digest(
                &v.device_id,
                &v.record_id,
                v.version,
                &v.content_hash,
                [Some(&v.kind), v.reason.as_deref(), Some(&v.author_id), Some(&v.author_name), Some(&v.created_at)],
            ));
        let r = VersionRef { record_id: v.record_id.clone(), version: v.version, device_id: v.device_id.clone(), received_by: v.received_by.clone() };
        let accepted = if proven {
            true
        } else if sha256_hex(v.content.as_bytes()) == v.content_hash
            && self.destroyed.get(&(v.device_id.clone(), v.record_id.clone(), v.version, v.content_hash.clone())).is_some_and(|at| v.arrived <= *at)
        {
            self.out.proof_destroyed.push(r);
            true
        } else if v.before_proofs {
            self.out.before_proofs.push(r);
            true
        } else {
            self.out.problems.push(format!(
                "集約した記録 {} の第{}版（端末 {}{}）: その端末が署名した配送内容にありません（データベースに直接書き込まれたか、書き換えられています）",
                r.record_id,
                r.version,
                r.device_id,
                r.received_by.as_deref().map(|b| format!("、書き込んだデータベースのユーザー {b}")).unwrap_or_default()
            ));
            self.out.unproven.push(r);
            false
        };
        let seen = self.records.entry(v.record_id).or_default();
        seen.versions.push((v.version, v.content_hash, v.device_id.clone(), accepted));
        match &mut seen.first {
            Some((t, devices)) if *t == v.arrived => {
                devices.insert(v.device_id);
            }
            Some((t, _)) if *t < v.arrived => {}
            _ => seen.first = Some((v.arrived, [v.device_id].into_iter().collect())),
        }
    }

    /// A 廃棄記録 a device reported (`consolidated_destructions`).
    pub fn destruction(&mut self, destruction_id: &str, record_id: &str, device_id: &str, detail: &str, before_proofs: bool) {
        self.expected_destructions.remove(destruction_id);
        if before_proofs || self.proven.contains(&destruction_digest(device_id, record_id, &sha256_hex(detail.as_bytes()))) {
            return;
        }
        self.out.problems.push(format!(
            "端末 {device_id} からの廃棄記録 {destruction_id}（記録 {record_id}）: その端末が署名した配送内容にありません（データベースに直接書き込まれたか、書き換えられています）"
        ));
        self.out.unproven_destructions.push(destruction_id.to_string());
    }

    /// A row of `consolidated_latest`: (record, version, content hash, device).
    pub fn latest(&mut self, record_id: String, version: u32, content_hash: String, device_id: String) {
        self.latest.push((record_id, version, content_hash, device_id));
    }

    /// Compare each enrolled key with the one this store's audit chain recorded when it enrolled
    /// the device (`enrol_device` entries), and finish.
    /// `advice` ends the problems when there are any: what to do, for this store.
    pub fn finish(mut self, local: &Store, advice: &str) -> Result<ProofCheck> {
        let enrolled_here = local.read(|c| {
            let mut out: HashMap<String, HashSet<String>> = HashMap::new();
            for (_, device, detail) in crate::store::audit::entries_mentioning(c, &["enrol_device"])? {
                let d: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
                if let (Some("enrol_device"), Some(key)) = (d["delivery"].as_str(), d["public_key"].as_str()) {
                    out.entry(device).or_default().insert(key.to_string());
                }
            }
            Ok(out)
        })?;
        let mut devices: Vec<(&String, &(String, Option<String>))> = self.keys.iter().collect();
        devices.sort();
        for (device, (key, by)) in devices {
            match enrolled_here.get(device) {
                Some(keys) if !keys.contains(key) => {
                    self.out
                        .problems
                        .push(format!("端末 {device}: 登録されている公開鍵が、このストアで登録したときの鍵と違います（データベースで差し替えられています）"));
                    self.out.changed_keys.push(device.clone());
                }
                Some(_) => {}
                None => self.out.enrolled_elsewhere.push(DeviceRef { device_id: device.clone(), enrolled_by: by.clone() }),
            }
        }
        for ((record_id, version, _), device_id) in std::mem::take(&mut self.expected) {
            self.out.problems.push(format!(
                "記録 {record_id} の第{version}版（端末 {device_id}）: 取り込み済みの配送内容にありますが、集約した記録にありません（データベースで取り除かれたか、取り込みが途中で止められています）"
            ));
            self.out.missing.push(VersionRef { record_id, version, device_id, received_by: None });
        }
        for (destruction_id, (record_id, device_id)) in std::mem::take(&mut self.expected_destructions) {
            self.out.problems.push(format!(
                "端末 {device_id} からの廃棄記録 {destruction_id}（記録 {record_id}）: 取り込み済みの配送内容にありますが、集約した廃棄記録にありません"
            ));
            self.out.unproven_destructions.push(destruction_id);
        }
        for (record_id, version, hash, device) in std::mem::take(&mut self.latest) {
            let Some(seen) = self.records.get(&record_id) else { continue };
            let points_at_accepted = seen.versions.iter().any(|(v, h, d, ok)| *ok && *v == version && *h == hash && *d == device);
            let newer = seen.versions.iter().any(|(v, _, d, ok)| *ok && *d == device && *v > version);
            // The record belongs to the device whose version arrived first (ADR 0023), when one
            // device alone sent the first.
            let owner = seen.first.as_ref().filter(|(_, ds)| ds.len() == 1).and_then(|(_, ds)| ds.iter().next());
            if !points_at_accepted || newer || owner.is_some_and(|o| *o != device) {
                self.out.problems.push(format!(
                    "記録 {record_id}: 台帳と実績報告書に使う現在の版（第{version}版、端末 {device}）が、署名で確かめられる版と違います（データベースで書き換えられています）"
                ));
                self.out.wrong_current.push(record_id);
            }
        }
        let out = &mut self.out;
        out.ok = out.bad_payloads.is_empty()
            && out.unsealed_tombstones.is_empty()
            && out.unproven.is_empty()
            && out.unproven_destructions.is_empty()
            && out.missing.is_empty()
            && out.wrong_current.is_empty()
            && out.changed_keys.is_empty();
        if !out.ok {
            out.problems.push(advice.to_string());
        }
        Ok(self.out)
    }
}

/// How far a tombstone (a payload removed with a destroyed record) is trusted.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))] // PostgreSQL's tombstones only
pub(crate) enum Tombstone {
    /// Sealed by the centre's signing key after its payload was checked, or made in a store
    /// whose own audit chain protects it (the embedded store).
    Trusted,
    /// Not sealed: made outside the app, or written into the database.
    Unsealed { file: String, destroyed_by: Option<String> },
}

/// What a coordinator's app signs, with the centre's signing key, after checking a payload it
/// removes with a destroyed record: the file's hash, its device, the ids and hashes it held and
/// the record it was removed for.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))] // PostgreSQL's tombstones only
pub(crate) fn seal_message(sha256: &str, device_id: &str, entries: &str, destroyed_for: &str) -> Vec<u8> {
    serde_json::json!([sha256, device_id, entries, destroyed_for]).to_string().into_bytes()
}

/// The centre's signing keys this store knows: the current one (no end), and each one a rotation
/// here replaced, with when (seconds). A seal by a replaced key counts only if made before.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))] // PostgreSQL's tombstones only
pub(crate) fn signing_keys(local: &Store) -> Result<Vec<(String, Option<f64>)>> {
    local.read(|c| {
        let mut out = Vec::new();
        if let Some(k) = crate::keys::DeviceKey::load_from(c, crate::setting::CENTRE_SIGNING_KEY)? {
            out.push((k.public_hex(), None));
        }
        for (key, at) in crate::rotate::retired_signing_keys(c)? {
            // A retirement time that does not read is no time: that key's seals count not at all.
            let until = seconds_of(&at);
            out.push((key, Some(if until == f64::MAX { f64::MIN } else { until })));
        }
        Ok(out)
    })
}

/// Whether a seal verifies under one of `keys`, made while that key was in use.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))] // PostgreSQL's tombstones only
pub(crate) fn seal_holds(keys: &[(String, Option<f64>)], message: &[u8], signing_key: &str, signature: &str, sealed_at: f64) -> bool {
    keys.iter().any(|(k, until)| {
        k == signing_key && until.is_none_or(|u| sealed_at < u) && crate::keys::verify_in(crate::keys::domain::TOMBSTONE, k, message, signature)
    })
}

/// Seconds since the epoch of a stored time (RFC 3339); a time that does not parse sorts last.
pub(crate) fn seconds_of(at: &str) -> f64 {
    chrono::DateTime::parse_from_rfc3339(at).map(|t| t.timestamp_millis() as f64 / 1000.0).unwrap_or(f64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{domain, DeviceKey};

    #[test]
    fn a_seal_holds_under_the_current_key_or_a_replaced_one_only_before_it_was_replaced() {
        let (old, new, other) = (DeviceKey::generate(), DeviceKey::generate(), DeviceKey::generate());
        let keys = vec![(new.public_hex(), None), (old.public_hex(), Some(1_000.0))];
        let m = seal_message("sha", "device", "[]", "record");
        let by = |k: &DeviceKey| k.sign_in(domain::TOMBSTONE, &m);
        assert!(seal_holds(&keys, &m, &new.public_hex(), &by(&new), 5_000.0));
        assert!(seal_holds(&keys, &m, &old.public_hex(), &by(&old), 999.0));
        assert!(!seal_holds(&keys, &m, &old.public_hex(), &by(&old), 1_001.0), "the replaced key, after it was replaced");
        assert!(!seal_holds(&keys, &m, &other.public_hex(), &by(&other), 5.0), "a key the centre never had");
        assert!(!seal_holds(&keys, &m, &new.public_hex(), &new.sign_hex(&m), 5.0), "outside the tombstone domain");
        let changed = seal_message("sha", "device", "[]", "another record");
        assert!(!seal_holds(&keys, &changed, &new.public_hex(), &by(&new), 5.0), "over another tombstone");
    }
}
