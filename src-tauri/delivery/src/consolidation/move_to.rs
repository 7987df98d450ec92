//! `chisanpo centre move-to --database URL` (ADR 0031): a centre that consolidated in its own
//! encrypted store moves to PostgreSQL without losing a number. Every table of the embedded
//! consolidated store is copied into the database's table of the same name (`MoveTable` says
//! which, and what is deliberately left), with the 台帳 numbers exactly as they were, so that the
//! next import numbers after them; the signed payloads with the rows they prove, the arrival
//! times the proofs and the retention count from, and the tombstones sealed with the centre's
//! signing key, so that `check_proofs` passes on the database as it did on the store.
//!
//! - **Resumable.** Each chunk of rows is one transaction under the import's advisory lock, and
//!   every insert is `ON CONFLICT DO NOTHING` (or moves a row forward only): a move cut anywhere
//!   (the connection dropped, the process killed) is finished by running it again, and nothing is
//!   applied twice.
//! - **One centre per database.** The first run records the centre's id in the database
//!   (`chisanpo_centre`); a database that holds another centre's records (by that id, or by the
//!   centre its signed payloads name), or records of a centre it cannot tell, is refused before
//!   anything is written, and so is one whose 台帳 numbers or device keys would clash.
//! - **Counted.** Afterwards every row of the store is looked for in the database (by its
//!   identity, `chisanpo_store::consolidated::move_keys`), and the database's proofs are checked.
//!
//! The move keeps the rows' arrival times (the database's `received_at`), which a coordinator's
//! role may not write (ADR 0026): it runs as the tables' owner (a member of `chisanpo_owner`),
//! once, by the database administrator's connection.

use std::collections::{BTreeMap, HashMap, HashSet};

use postgres::types::ToSql;
use serde::Serialize;

use super::postgres::{db_error, PgConsolidation, LOCK, OWNER};
use super::proof;
use super::sqlite::SqliteConsolidation;
use super::Consolidation;
use crate::error::{DeliveryCode, Error, Result};
use crate::store::consolidated as db;
use crate::store::{Action, Store};

pub use crate::store::consolidated::MoveTable;

/// One table's counts after a move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableCount {
    pub table: MoveTable,
    /// What the table holds, for people.
    pub label: &'static str,
    /// Rows in the centre's own store (those the move copies).
    pub source: usize,
    /// Rows in the database's table now (more, when the database also holds rows of its own).
    pub target: usize,
    /// Rows this run added (0 when run again after a complete move).
    pub copied: usize,
    /// Rows of the store not found in the database with the same identity: 0 after a move.
    pub missing: usize,
}

/// What `move_into` did and found.
#[derive(Debug, Clone, Serialize)]
pub struct MoveReport {
    /// The database (host, port and name; never a password).
    pub database: String,
    pub centre_id: String,
    /// Whether the database held this centre's records already (a move resumed or run again).
    pub resumed: bool,
    pub tables: Vec<TableCount>,
    /// Receipts written, in the store and found written in the database.
    pub receipts: usize,
    pub receipts_missing: usize,
    /// Bundles recorded as applied before the store kept signed payloads: not copied (the
    /// database records a bundle as applied only with its payload). Imported again from their
    /// folder, they are applied again as a no-op, and their payload is kept then. File names.
    pub applied_without_payload: Vec<String>,
    /// The database's proofs after the move (`chisanpo centre verify --database`).
    pub proofs_ok: bool,
    pub payloads_checked: usize,
    pub versions_checked: usize,
    /// Nothing missing and the proofs hold.
    pub ok: bool,
    /// What is wrong, for people, in Japanese (ids only).
    pub problems: Vec<String>,
}

/// Where a move is: called with each chunk copied, before its transaction commits.
#[derive(Debug, Clone, Copy)]
pub struct MoveProgress {
    pub table: MoveTable,
    /// Rows of this table read so far (this chunk included), and in all.
    pub done: usize,
    pub total: usize,
}

/// How many rows one transaction copies (signed payloads are large: a whole bundle each).
fn chunk_of(t: MoveTable) -> usize {
    match t {
        MoveTable::Payloads => 8,
        MoveTable::Versions => 500,
        _ => 1000,
    }
}

/// How a table's rows go into the database: its columns, their values from the columns the store
/// reads (`c1`, `c2`, … as text), what a row already there does, and each row's identity as
/// `chisanpo_store::consolidated::move_keys` builds it.
struct Target {
    columns: &'static str,
    values: &'static str,
    conflict: &'static str,
    key: &'static str,
}

fn target(t: MoveTable) -> Target {
    match t {
        MoveTable::LedgerNumbers => Target {
            columns: "record_id, ledger, fiscal_year, number, assigned_at",
            values: "c1, c2, c3::INTEGER, c4::INTEGER, c5",
            conflict: "ON CONFLICT (record_id) DO NOTHING",
            key: "record_id || '|' || ledger || '|' || fiscal_year || '|' || number",
        },
        MoveTable::Devices => Target {
            columns: "device_id, public_key, label, enrolled_at",
            values: "c1, c2, c3, c4",
            conflict: "ON CONFLICT (device_id) DO NOTHING",
            key: "device_id || '|' || public_key",
        },
        // Kept as they arrived at the centre, with when.
        MoveTable::Payloads => Target {
            columns: "sha256, file_name, device_id, payload, signature, imported_at, received_at",
            values: "c1, c2, c3, c4, c5, c6, c6::TIMESTAMPTZ",
            conflict: "ON CONFLICT (sha256) DO NOTHING",
            key: "sha256 || '|' || device_id || '|' || signature",
        },
        // When it was removed: a version that arrived later is not vouched for by it.
        MoveTable::Tombstones => Target {
            columns: "sha256, file_name, device_id, entries, destroyed_for, destroyed_at",
            values: "c1, c2, c3, c4, c5, c6::TIMESTAMPTZ",
            conflict: "ON CONFLICT (sha256) DO NOTHING",
            key: "sha256 || '|' || device_id || '|' || destroyed_for",
        },
        // The database indexes the payloads it is given; those removed with a destroyed record
        // come from here.
        MoveTable::PayloadRecords => {
            Target { columns: "record_id, sha256", values: "c1, c2", conflict: "ON CONFLICT DO NOTHING", key: "record_id || '|' || sha256" }
        }
        // Arrived when they reached the centre (the retention's 5 years and the proofs count from
        // it); those from before payloads were kept have no arrival time, as in the database.
        MoveTable::Versions => Target {
            columns: "record_id, version, content_hash, kind, device_id, content, reason, author_id, author_name, created_at, imported_at, bundle, \
                      received_at, received_by",
            values: "c1, c2::INTEGER, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, \
                     CASE WHEN c13 = '1' THEN NULL ELSE c11::TIMESTAMPTZ END, CASE WHEN c13 = '1' THEN NULL ELSE session_user::TEXT END",
            conflict: "ON CONFLICT DO NOTHING",
            key: "record_id || '|' || version || '|' || content_hash || '|' || device_id",
        },
        MoveTable::DeviceDestructions => Target {
            columns: "destruction_id, record_id, device_id, detail, imported_at, bundle, received_at, received_by",
            values: "c1, c2, c3, c4, c5, c6, CASE WHEN c7 = '1' THEN NULL ELSE c5::TIMESTAMPTZ END, CASE WHEN c7 = '1' THEN NULL ELSE session_user::TEXT END",
            conflict: "ON CONFLICT DO NOTHING",
            key: "destruction_id || '|' || record_id || '|' || device_id",
        },
        MoveTable::Latest => Target {
            columns: "record_id, version, content_hash, kind, performed_on, fiscal_year, place, doctor_id, workplace_id, device_id",
            values: "c1, c2::INTEGER, c3, c4, c5, c6::INTEGER, c7, c8, c9, c10",
            conflict: "ON CONFLICT (record_id) DO NOTHING",
            key: "record_id || '|' || device_id",
        },
        MoveTable::Destructions => Target {
            columns: "id, record_id, kind, fiscal_year, ledger_number, performed_on, retain_until, destroyed_at, destroyed_by, destroyed_by_name, reason",
            values: "c1, c2, c3, c4::INTEGER, c5::INTEGER, c6, c7, c8, c9, c10, c11",
            conflict: "ON CONFLICT (id) DO NOTHING",
            key: "id || '|' || record_id",
        },
        // An anchor only moves forward, and a flag stays (as `keep_device_anchor`).
        MoveTable::Anchors => Target {
            columns: "device_id, bundle_seq, audit_seq, audit_hash, updated_at, flagged, flagged_at",
            values: "c1, c2::BIGINT, c3::BIGINT, c4, c5, c6, c7",
            conflict: "ON CONFLICT (device_id) DO UPDATE SET bundle_seq = excluded.bundle_seq, audit_seq = excluded.audit_seq, \
                       audit_hash = excluded.audit_hash, updated_at = excluded.updated_at, flagged = coalesce(excluded.flagged, device_anchors.flagged), \
                       flagged_at = coalesce(excluded.flagged_at, device_anchors.flagged_at) WHERE excluded.bundle_seq > device_anchors.bundle_seq",
            key: "device_id",
        },
        // A receipt written here stays written there.
        MoveTable::Bundles => Target {
            columns: "sha256, file_name, device_id, outcome, reason, code, entries, at, source, receipt_at",
            values: "c1, c2, c3, c4, c5, c6, c7::BIGINT, c8, c9, c10",
            conflict: "ON CONFLICT (sha256) DO UPDATE SET receipt_at = excluded.receipt_at \
                       WHERE centre_bundles.receipt_at IS NULL AND excluded.receipt_at IS NOT NULL",
            key: "sha256 || '|' || file_name",
        },
    }
}

/// The statement that inserts a chunk of `n`-column rows, given as one text array per column.
fn insert_sql(t: MoveTable, n: usize) -> String {
    let s = target(t);
    let arrays: Vec<String> = (1..=n).map(|i| format!("${i}::TEXT[]")).collect();
    let names: Vec<String> = (1..=n).map(|i| format!("c{i}")).collect();
    format!("INSERT INTO {} ({}) SELECT {} FROM unnest({}) AS u({}) {}", t.name(), s.columns, s.values, arrays.join(", "), names.join(", "), s.conflict)
}

/// Move the consolidated records of `db`'s centre store (the coordinator's own, unlocked) into
/// the database `db` is connected to (`PgConsolidation::connect` has brought its schema up to
/// date). `on_chunk` is called with each chunk before it commits. Run again after a cut, it
/// finishes the move; run again after a complete one, it copies nothing. Refused, with nothing
/// written, when the store's own proofs do not hold, the database holds another centre's
/// records, or its numbers or device keys clash.
pub fn move_into(db: &mut PgConsolidation<'_>, on_chunk: &mut dyn FnMut(&MoveProgress)) -> Result<MoveReport> {
    let (client, label, local) = db.parts();
    let label = label.to_string();
    let (centre_id, _) = local.read(crate::enrol::require_centre)?;

    // The store must prove itself first: the move seals its tombstones with the centre's key.
    let source = SqliteConsolidation(local).check_proofs()?;
    if !source.ok {
        return Err(Error::delivery(DeliveryCode::Database, format!(
            "このストアの集約した記録の確認で {}件の問題が見つかったため、移していません（データベースには何も書き込んでいません）。`chisanpo centre verify`（--database なし）で問題を確かめ、解決してから、もう一度実行してください。",
            source.problems.len().saturating_sub(1).max(1)
        )));
    }

    let move_id = crate::store::new_id();
    let resumed = prepare(client, &label, local, &centre_id, &move_id)?;
    local.write(|tx| {
        local.audit(tx, Action::Edit, "centre_move", serde_json::json!({ "delivery": "move_to_started", "database": label, "move_id": move_id })).map(|_| ())
    })?;

    let err = move_error(&label);
    let signing = local.write(|tx| crate::rotate::receipt_key(tx))?;
    let mut copied: BTreeMap<MoveTable, usize> = BTreeMap::new();
    for t in MoveTable::ALL {
        let total = local.read(|c| db::move_keys(c, t))?.len();
        let size = chunk_of(t);
        let mut offset = 0;
        loop {
            let rows = local.read(|c| db::move_rows(c, t, offset, size))?;
            if rows.is_empty() {
                break;
            }
            offset += rows.len();
            let n = rows[0].len();
            let mut columns: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(rows.len()); n];
            for r in &rows {
                for (i, v) in r.iter().enumerate() {
                    columns[i].push(v.clone());
                }
            }
            let params: Vec<&(dyn ToSql + Sync)> = columns.iter().map(|c| c as &(dyn ToSql + Sync)).collect();
            let mut tx = client.transaction().map_err(&err)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK]).map_err(&err)?;
            as_owner(&mut tx).map_err(&err)?;
            *copied.entry(t).or_default() += tx.execute(&insert_sql(t, n), &params).map_err(&err)? as usize;
            if t == MoveTable::Tombstones {
                // Sealed with the centre's signing key, as a coordinator's app seals the
                // tombstones it makes: the store's own were made by its own destruction, which
                // its audit chain records, and its proofs hold (checked above).
                let (mut shas, mut keys, mut sigs) = (Vec::new(), Vec::new(), Vec::new());
                for r in &rows {
                    let v = |i: usize| r[i].as_deref().unwrap_or_default();
                    shas.push(v(0).to_string());
                    keys.push(signing.public_hex());
                    sigs.push(signing.sign_in(crate::keys::domain::TOMBSTONE, &proof::seal_message(v(0), v(2), v(3), v(4))));
                }
                tx.execute(
                    "INSERT INTO consolidated_tombstone_seals (sha256, signing_key, signature) SELECT * FROM unnest($1::TEXT[], $2::TEXT[], $3::TEXT[]) \
                     ON CONFLICT (sha256) DO NOTHING",
                    &[&shas, &keys, &sigs],
                )
                .map_err(&err)?;
            }
            on_chunk(&MoveProgress { table: t, done: offset, total });
            tx.commit().map_err(&err)?;
            if rows.len() < size {
                break;
            }
        }
    }

    let mut report = count(client, &label, local, &centre_id, resumed, &copied)?;
    let proofs = db.check_proofs()?;
    report.proofs_ok = proofs.ok;
    report.payloads_checked = proofs.payloads_checked;
    report.versions_checked = proofs.versions_checked;
    if !proofs.ok {
        report.problems.extend(proofs.problems);
    }
    report.ok = report.problems.is_empty();

    let (client, _, local) = db.parts();
    let counts = serde_json::json!({
        "ok": report.ok,
        "tables": report.tables.iter().map(|c| (c.table.name().to_string(), serde_json::json!({ "source": c.source, "target": c.target, "copied": c.copied, "missing": c.missing }))).collect::<serde_json::Map<_, _>>(),
    });
    let mut tx = client.transaction().map_err(&err)?;
    as_owner(&mut tx).map_err(&err)?;
    tx.execute("UPDATE centre_moves SET finished_at = now(), counts = $2 WHERE move_id = $1", &[&move_id, &counts.to_string()]).map_err(&err)?;
    tx.commit().map_err(&err)?;
    local.write(|tx| {
        local
            .audit(
                tx,
                Action::Edit,
                "centre_move",
                serde_json::json!({ "delivery": "move_to_finished", "database": label, "move_id": move_id, "counts": counts }),
            )
            .map(|_| ())
    })?;
    Ok(report)
}

/// A move stopped by the database: known refusals say what they say (`db_error`); anything else
/// (the connection dropped, the server stopped) says that running the move again finishes it.
fn move_error(label: &str) -> impl Fn(postgres::Error) -> Error + '_ {
    move |e| {
        let code = e.code().map(|c| c.code().to_string());
        match code.as_deref() {
            Some(c) if c == "42501" || c.starts_with("QC") => db_error(label)(e),
            _ => Error::delivery(DeliveryCode::Database, format!(
                "共有データベース（{label}）への移行が途中で止まりました（{}）。サーバーが動いているか、URL・ユーザー名・パスワード・権限を確かめてから、もう一度 `chisanpo centre move-to` を実行してください。移し終えた分はそのまま残り、続きから移します（同じ行を二度書き込むことはありません）。",
                code.as_deref().unwrap_or("接続")
            )),
        }
    }
}

/// Work as the tables' owner when this login is one of them (as the migrations do).
fn as_owner(tx: &mut postgres::Transaction) -> std::result::Result<(), postgres::Error> {
    let member: bool =
        tx.query_one("SELECT coalesce((SELECT pg_has_role(oid, 'MEMBER') FROM pg_roles WHERE rolname = $1), false) AND current_user <> $1", &[&OWNER])?.get(0);
    if member {
        tx.batch_execute(&format!("SET LOCAL ROLE {OWNER}"))?;
    }
    Ok(())
}

/// Before anything is copied, in one transaction: the rights the move needs, the database's
/// centre, its device keys and its 台帳 numbers against the store's; then the centre's id and the
/// move recorded. Returns whether the database held this centre's records already.
fn prepare(client: &mut postgres::Client, label: &str, local: &Store, centre_id: &str, move_id: &str) -> Result<bool> {
    let err = move_error(label);
    let mut tx = client.transaction().map_err(&err)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK]).map_err(&err)?;
    as_owner(&mut tx).map_err(&err)?;
    let allowed: bool = tx
        .query_one(
            "SELECT has_table_privilege('consolidated_payloads_destroyed', 'INSERT') AND has_table_privilege('consolidated_payload_records', 'INSERT') \
             AND has_table_privilege('chisanpo_centre', 'INSERT') AND has_table_privilege('centre_moves', 'INSERT') \
             AND has_column_privilege('consolidated_versions', 'received_at', 'INSERT') AND has_column_privilege('centre_bundles', 'receipt_at', 'INSERT')",
            &[],
        )
        .map_err(&err)?
        .get(0);
    if !allowed {
        return Err(Error::delivery(DeliveryCode::Database, format!(
            "移す先のデータベース（{label}）で、このユーザーには移行に必要な権限がありません（記録が届いた日時と廃棄の控えを、そのまま書き込む必要があります）。移行は一度だけ、データベース管理者が {OWNER} に属するユーザー（または表の所有者）の URL を --database に指定して実行してください（`chisanpo centre database-roles` の手順）。データベースには何も書き込んでいません。"
        )));
    }

    let recorded: Option<String> = tx.query_opt("SELECT centre_id FROM chisanpo_centre", &[]).map_err(&err)?.map(|r| r.get(0));
    let theirs: Vec<Option<String>> = match &recorded {
        Some(id) => vec![Some(id.clone())],
        None => {
            tx.query("SELECT DISTINCT payload::json->>'centre_id' FROM consolidated_payloads LIMIT 3", &[]).map_err(&err)?.iter().map(|r| r.get(0)).collect()
        }
    };
    let holds_rows: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM centre_devices) OR EXISTS (SELECT 1 FROM consolidated_versions) OR EXISTS (SELECT 1 FROM consolidated_payloads) \
             OR EXISTS (SELECT 1 FROM consolidated_payloads_destroyed) OR EXISTS (SELECT 1 FROM consolidated_destructions) OR EXISTS (SELECT 1 FROM centre_bundles) \
             OR EXISTS (SELECT 1 FROM ledger_numbers) OR EXISTS (SELECT 1 FROM destructions) OR EXISTS (SELECT 1 FROM device_anchors)",
            &[],
        )
        .map_err(&err)?
        .get(0);
    if let Some(other) = theirs.iter().find(|c| c.as_deref() != Some(centre_id)) {
        return Err(Error::delivery(DeliveryCode::Database, format!(
            "移す先のデータベース（{label}）には、別のセンター（ID {}）の記録が入っています。1つのデータベースには1つのセンターの記録だけを入れます。データベースには何も書き込んでいません。このセンター用に空のデータベースを用意し（データベース管理者に CREATE DATABASE を依頼してください）、その URL を --database に指定してください。",
            other.as_deref().unwrap_or("不明")
        )));
    }
    if theirs.is_empty() && holds_rows {
        return Err(Error::delivery(DeliveryCode::Database, format!(
            "移す先のデータベース（{label}）には記録がありますが、どのセンターのものか確かめられません。データベースには何も書き込んでいません。空のデータベースを指定するか、データベース管理者に中身を確かめてもらってください。"
        )));
    }

    // The same centre: its devices must have the same keys, and its numbers must not clash.
    let keys: HashMap<String, String> =
        tx.query("SELECT device_id, public_key FROM centre_devices", &[]).map_err(&err)?.iter().map(|r| (r.get(0), r.get(1))).collect();
    for d in local.read(|c| db::move_rows(c, MoveTable::Devices, 0, i64::MAX as usize))? {
        let (id, key) = (d[0].clone().unwrap_or_default(), d[1].clone().unwrap_or_default());
        if keys.get(&id).is_some_and(|k| *k != key) {
            return Err(Error::delivery(DeliveryCode::Database, format!(
                "端末 {id} が、移す先のデータベース（{label}）では別の鍵で登録されています。データベースには何も書き込んでいません。`chisanpo centre verify --database` でデータベースを確かめ、データベース管理者に連絡してください。"
            )));
        }
    }
    let mut by_record: HashMap<String, (String, i32, i32)> = HashMap::new();
    let mut by_number: HashMap<(String, i32, i32), String> = HashMap::new();
    for r in tx.query("SELECT record_id, ledger, fiscal_year, number FROM ledger_numbers", &[]).map_err(&err)? {
        let (id, ledger, fy, n): (String, String, i32, i32) = (r.get(0), r.get(1), r.get(2), r.get(3));
        by_number.insert((ledger.clone(), fy, n), id.clone());
        by_record.insert(id, (ledger, fy, n));
    }
    let mut clashes = Vec::new();
    for r in local.read(|c| db::move_rows(c, MoveTable::LedgerNumbers, 0, i64::MAX as usize))? {
        let text = |i: usize| r[i].clone().unwrap_or_default();
        let number = |i: usize| text(i).parse::<i32>().unwrap_or_default();
        let (id, ledger, fy, n) = (text(0), text(1), number(2), number(3));
        let clash = match by_record.get(&id) {
            Some(there) => *there != (ledger.clone(), fy, n),
            None => by_number.get(&(ledger.clone(), fy, n)).is_some_and(|other| *other != id),
        };
        if clash {
            clashes.push(format!("{fy}年度 第{n}号（記録 {id}）"));
        }
    }
    if !clashes.is_empty() {
        let shown: Vec<String> = clashes.iter().take(5).cloned().collect();
        return Err(Error::delivery(DeliveryCode::Database, format!(
            "このストアの台帳の番号 {}件が、移す先のデータベース（{label}）にある番号と重なります: {}{}。番号を保ったまま移せないため、データベースには何も書き込んでいません。空のデータベースに移してください。",
            clashes.len(),
            shown.join("、"),
            if clashes.len() > shown.len() { " ほか" } else { "" }
        )));
    }

    tx.execute("INSERT INTO chisanpo_centre (centre_id) VALUES ($1) ON CONFLICT DO NOTHING", &[&centre_id]).map_err(&err)?;
    tx.execute("INSERT INTO centre_moves (move_id, centre_id) VALUES ($1, $2)", &[&move_id, &centre_id]).map_err(&err)?;
    tx.commit().map_err(&err)?;
    Ok(holds_rows)
}

/// Every row of the store looked for in the database, by its identity; the written receipts too.
fn count(client: &mut postgres::Client, label: &str, local: &Store, centre_id: &str, resumed: bool, copied: &BTreeMap<MoveTable, usize>) -> Result<MoveReport> {
    let err = move_error(label);
    let mut tables = Vec::new();
    let mut problems = Vec::new();
    for t in MoveTable::ALL {
        let source = local.read(|c| db::move_keys(c, t))?;
        let there: HashSet<String> =
            client.query(&format!("SELECT {} FROM {}", target(t).key, t.name()), &[]).map_err(&err)?.iter().map(|r| r.get(0)).collect();
        let missing = source.iter().filter(|k| !there.contains(*k)).count();
        if missing > 0 {
            problems.push(format!("{}（{}）: このストアの {}件のうち {}件が、データベースにありません", t.label(), t.name(), source.len(), missing));
        }
        tables.push(TableCount {
            table: t,
            label: t.label(),
            source: source.len(),
            target: there.len(),
            copied: copied.get(&t).copied().unwrap_or(0),
            missing,
        });
    }
    let receipts = local.read(db::move_receipts_written)?;
    let written: HashSet<String> =
        client.query("SELECT sha256 FROM centre_bundles WHERE receipt_at IS NOT NULL", &[]).map_err(&err)?.iter().map(|r| r.get(0)).collect();
    let receipts_missing = receipts.iter().filter(|s| !written.contains(*s)).count();
    if receipts_missing > 0 {
        problems.push(format!(
            "受領通知: このストアで書いた {}件のうち {}件が、データベースでは書いていないことになっています",
            receipts.len(),
            receipts_missing
        ));
    }
    Ok(MoveReport {
        database: label.to_string(),
        centre_id: centre_id.to_string(),
        resumed,
        tables,
        receipts: receipts.len(),
        receipts_missing,
        applied_without_payload: local.read(db::move_applied_without_payload)?,
        proofs_ok: false,
        payloads_checked: 0,
        versions_checked: 0,
        ok: false,
        problems,
    })
}

/// For the tests: bring a new database's schema up to its first `version` migrations only, as an
/// older app left it.
#[doc(hidden)]
pub fn schema_of_an_older_app(url: &str, version: usize) -> Result<()> {
    let label = super::postgres::label_of(url);
    let mut client = super::pg_connect::connect(url, &label, None)?;
    super::postgres::migrate_to(&mut client, version).map_err(db_error(&label))?;
    Ok(())
}
