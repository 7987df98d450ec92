//! The `settings` table: a key and a text value. Every read and write of it is here; the
//! modules that give the keys a meaning (prefs, fees, delivery, the annual report's identity)
//! call these on the connection or transaction they hold.

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;

/// The value of `key`, if set.
pub fn get(c: &Connection, key: &str) -> Result<Option<String>> {
    Ok(c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

/// Set `key` to `value`, replacing what it held.
pub fn put(c: &Connection, key: &str, value: &str) -> Result<()> {
    c.execute("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])?;
    Ok(())
}

/// Remove `key`; nothing happens when it is not set.
pub fn delete(c: &Connection, key: &str) -> Result<()> {
    c.execute("DELETE FROM settings WHERE key = ?1", [key])?;
    Ok(())
}
