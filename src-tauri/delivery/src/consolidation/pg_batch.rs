//! The import's writes into PostgreSQL, one statement per bundle instead of one per version
//! (issue 18, ADR 0030). Each function sends a bundle's rows as arrays that the server unnests,
//! so a bundle of thousands of versions costs a handful of round trips. The rules are those of
//! the statement-per-version import they replace: a version already here is skipped and counted
//! as present; a record's current version moves only forward and only for the device it came
//! from; a record is numbered once, on its first arrival, in the order of the bundle.

use std::collections::{HashMap, HashSet};

use postgres::Transaction;

use crate::bundle::Entry;
use crate::consolidated::Columns;

type PgResult<T> = std::result::Result<T, postgres::Error>;

/// Insert the versions of a bundle; those added (not already here) come back as indexes into
/// `versions`, in the bundle's order. The same version twice in one bundle is added once.
pub(super) fn insert_versions(tx: &mut Transaction, versions: &[&Entry], device: &str, at: &str, file: &str) -> PgResult<Vec<usize>> {
    if versions.is_empty() {
        return Ok(Vec::new());
    }
    let strs = |f: fn(&Entry) -> &str| versions.iter().map(|e| f(e)).collect::<Vec<&str>>();
    let numbers: Vec<i32> = versions.iter().map(|e| e.version as i32).collect();
    let reasons: Vec<Option<&str>> = versions.iter().map(|e| e.reason.as_deref()).collect();
    let rows = tx.query(
        "INSERT INTO consolidated_versions (record_id, version, content_hash, kind, device_id, content, reason, author_id, author_name, created_at, imported_at, bundle) \
         SELECT u.record_id, u.version, u.content_hash, u.kind, $9, u.content, u.reason, u.author_id, u.author_name, u.created_at, $10, $11 \
         FROM unnest($1::text[], $2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $12::text[]) \
              AS u(record_id, version, content_hash, kind, content, reason, author_id, author_name, created_at) \
         ON CONFLICT DO NOTHING RETURNING record_id, version, content_hash",
        &[
            &strs(|e| &e.record_id),
            &numbers,
            &strs(|e| &e.content_hash),
            &strs(|e| &e.kind),
            &strs(|e| &e.content),
            &reasons,
            &strs(|e| &e.author_id),
            &strs(|e| &e.author_name),
            &device,
            &at,
            &file,
            &strs(|e| &e.created_at),
        ],
    )?;
    let mut returned: HashSet<(String, i32, String)> = rows.into_iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    Ok((0..versions.len())
        .filter(|&i| {
            let e = versions[i];
            returned.remove(&(e.record_id.clone(), e.version as i32, e.content_hash.clone()))
        })
        .collect())
}

/// Make the newest added version of each record its current one, where the record is new here or
/// the version is newer and comes from the device the record's current version came from.
pub(super) fn note_latest(tx: &mut Transaction, added: &[(&Entry, Columns)], device: &str) -> PgResult<()> {
    // The newest version of each record in this bundle (the first of two equal ones): what the
    // rows one after another would have left current.
    let mut newest: Vec<usize> = Vec::new();
    let mut at_record: HashMap<&str, usize> = HashMap::new();
    for (i, (e, _)) in added.iter().enumerate() {
        match at_record.get(e.record_id.as_str()) {
            Some(&k) if added[newest[k]].0.version >= e.version => {}
            Some(&k) => newest[k] = i,
            None => {
                at_record.insert(&e.record_id, newest.len());
                newest.push(i);
            }
        }
    }
    if newest.is_empty() {
        return Ok(());
    }
    let rows: Vec<&(&Entry, Columns)> = newest.iter().map(|&i| &added[i]).collect();
    let ids: Vec<&str> = rows.iter().map(|(e, _)| e.record_id.as_str()).collect();
    let versions: Vec<i32> = rows.iter().map(|(e, _)| e.version as i32).collect();
    let hashes: Vec<&str> = rows.iter().map(|(e, _)| e.content_hash.as_str()).collect();
    let kinds: Vec<&str> = rows.iter().map(|(e, _)| e.kind.as_str()).collect();
    let performed: Vec<Option<&str>> = rows.iter().map(|(_, c)| c.performed_on.as_deref()).collect();
    let years: Vec<Option<i32>> = rows.iter().map(|(_, c)| c.fiscal_year).collect();
    let places: Vec<Option<&str>> = rows.iter().map(|(_, c)| c.place).collect();
    let doctors: Vec<Option<&str>> = rows.iter().map(|(_, c)| c.doctor_id.as_deref()).collect();
    let workplaces: Vec<Option<&str>> = rows.iter().map(|(_, c)| c.workplace_id.as_deref()).collect();
    tx.execute(
        "INSERT INTO consolidated_latest AS l (record_id, version, content_hash, kind, performed_on, fiscal_year, place, doctor_id, workplace_id, device_id) \
         SELECT u.record_id, u.version, u.content_hash, u.kind, u.performed_on, u.fiscal_year, u.place, u.doctor_id, u.workplace_id, $10 \
         FROM unnest($1::text[], $2::int4[], $3::text[], $4::text[], $5::text[], $6::int4[], $7::text[], $8::text[], $9::text[]) \
              AS u(record_id, version, content_hash, kind, performed_on, fiscal_year, place, doctor_id, workplace_id) \
         ON CONFLICT (record_id) DO UPDATE SET version = excluded.version, content_hash = excluded.content_hash, kind = excluded.kind, \
           performed_on = excluded.performed_on, fiscal_year = excluded.fiscal_year, place = excluded.place, doctor_id = excluded.doctor_id, \
           workplace_id = excluded.workplace_id, device_id = excluded.device_id \
         WHERE excluded.version > l.version AND excluded.device_id = l.device_id",
        &[&ids, &versions, &hashes, &kinds, &performed, &years, &places, &doctors, &workplaces, &device],
    )?;
    Ok(())
}

/// Give a 台帳 number to each record of the bundle that has none yet: the next numbers of its
/// ledger and fiscal year, in the order the records first appear in the bundle. The numbers
/// already given and each ledger's highest number are read first, then the new rows are
/// inserted with their numbers: a single `INSERT … SELECT max(number) + row_number()` would
/// read the maximum again for each row, past every row the statement had just inserted (which
/// it cannot see), and grew with the square of the bundle's size. The import's advisory lock
/// keeps the numbers read here the latest until the transaction ends.
pub(super) fn number(tx: &mut Transaction, added: &[(&Entry, Columns)], at: &str) -> PgResult<()> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut wanted: Vec<(&str, &str, i32)> = Vec::new();
    for (e, c) in added {
        if let Some((ledger, fy)) = c.ledger(e) {
            if seen.insert(e.record_id.as_str()) {
                wanted.push((&e.record_id, ledger, fy));
            }
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = wanted.iter().map(|w| w.0).collect();
    let numbered: HashSet<String> =
        tx.query("SELECT record_id FROM ledger_numbers WHERE record_id = ANY($1)", &[&ids])?.into_iter().map(|r| r.get(0)).collect();
    wanted.retain(|w| !numbered.contains(w.0));
    if wanted.is_empty() {
        return Ok(());
    }
    let mut pairs: Vec<(&str, i32)> = wanted.iter().map(|w| (w.1, w.2)).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let ledgers: Vec<&str> = pairs.iter().map(|p| p.0).collect();
    let years: Vec<i32> = pairs.iter().map(|p| p.1).collect();
    let mut next: HashMap<(String, i32), i64> = tx
        .query(
            "SELECT p.ledger, p.fiscal_year, coalesce((SELECT max(m.number) FROM ledger_numbers m WHERE m.ledger = p.ledger AND m.fiscal_year = p.fiscal_year), 0)::BIGINT \
             FROM unnest($1::text[], $2::int4[]) AS p(ledger, fiscal_year)",
            &[&ledgers, &years],
        )?
        .into_iter()
        .map(|r| ((r.get(0), r.get(1)), r.get(2)))
        .collect();
    let mut numbers: Vec<i64> = Vec::with_capacity(wanted.len());
    for (_, ledger, fy) in &wanted {
        let n = next.get_mut(&(ledger.to_string(), *fy)).expect("every pair was read");
        *n += 1;
        numbers.push(*n);
    }
    let ids: Vec<&str> = wanted.iter().map(|w| w.0).collect();
    let ledgers: Vec<&str> = wanted.iter().map(|w| w.1).collect();
    let years: Vec<i32> = wanted.iter().map(|w| w.2).collect();
    // A number past the column's range is refused by the server, as the row-by-row insert was.
    tx.execute(
        "INSERT INTO ledger_numbers (record_id, ledger, fiscal_year, number, assigned_at) \
         SELECT n.record_id, n.ledger, n.fiscal_year, n.number, $5 \
         FROM unnest($1::text[], $2::text[], $3::int4[], $4::int8[]) AS n(record_id, ledger, fiscal_year, number) \
         ON CONFLICT (record_id) DO NOTHING",
        &[&ids, &ledgers, &years, &numbers, &at],
    )?;
    Ok(())
}

/// The records among `ids` with two contents for one version, or a version from another device
/// than their current one (要確認), in one query.
pub(super) fn conflicted_among(client: &mut postgres::Client, ids: &[&str]) -> PgResult<HashSet<String>> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let rows = client.query(
        "SELECT record_id FROM consolidated_versions WHERE record_id = ANY($1) GROUP BY record_id, version HAVING count(DISTINCT content_hash) > 1 \
         UNION \
         SELECT v.record_id FROM consolidated_versions v JOIN consolidated_latest l ON l.record_id = v.record_id \
         WHERE v.record_id = ANY($1) AND v.device_id <> l.device_id",
        &[&ids],
    )?;
    Ok(rows.into_iter().map(|r| r.get(0)).collect())
}
