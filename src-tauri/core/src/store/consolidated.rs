//! The centre's consolidated tables in this store (`consolidated_*`): the SQL the store's own
//! lifecycle needs from them (retention). The import writes them through
//! `delivery::consolidation::sqlite`.

use rusqlite::params;

use crate::error::Result;

/// The ids and hashes of a kept payload's entries, read without the delivery types.
#[derive(serde::Deserialize)]
struct PayloadIds {
    entries: Vec<EntryIds>,
}

#[derive(serde::Deserialize)]
struct EntryIds {
    entry_type: String,
    record_id: String,
    version: u32,
    content_hash: String,
}

/// Remove every kept payload holding a record being destroyed (they hold its content), leaving
/// the ids and hashes of their entries. Called under the record's destruction permit.
pub(crate) fn forget_payloads(tx: &rusqlite::Transaction, record_id: &str, at: &str) -> Result<()> {
    let mut stmt = tx.prepare(
        "SELECT p.sha256, p.file_name, p.device_id, p.payload FROM consolidated_payloads p JOIN consolidated_payload_records r ON r.sha256 = p.sha256 WHERE r.record_id = ?1",
    )?;
    let rows = stmt
        .query_map([record_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (sha256, file, device, text) in rows {
        let entries: Vec<(String, String, u32, String)> = serde_json::from_str::<PayloadIds>(&text)
            .map(|p| p.entries.into_iter().map(|e| (e.entry_type, e.record_id, e.version, e.content_hash)).collect())
            .unwrap_or_default();
        tx.execute(
            "INSERT INTO consolidated_payloads_destroyed (sha256, file_name, device_id, entries, destroyed_for, destroyed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![sha256, file, device, serde_json::to_string(&entries).expect("ids serialise"), record_id, at],
        )?;
        tx.execute("DELETE FROM consolidated_payloads WHERE sha256 = ?1", [&sha256])?;
    }
    Ok(())
}
