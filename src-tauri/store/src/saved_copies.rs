//! Where the user saved copies of a record's PDFs: kept in `settings` under
//! `saved-copies/<record id>`, outside the append-only audit log (a file name often holds the
//! worker's name), and deleted with the record by retention, which names the places so that the
//! user deletes the files too (ADR 0017).

use std::path::Path;

use super::Store;
use crate::error::{Error, Result};

/// The settings key prefix under which the places of saved copies of a record's PDFs are kept.
pub(crate) const SAVED_COPIES: &str = "saved-copies/";

impl Store {
    /// Where the user saved copies of this record's PDFs (those still on disk are named when the
    /// record is destroyed, so that the user deletes them too).
    pub fn saved_copies_of(&self, id: &str) -> Result<Vec<String>> {
        let key = format!("{SAVED_COPIES}{id}");
        Ok(self.setting(&key)?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
    }

    /// Keep the place of a saved copy, in `settings` under `saved-copies/<record id>`, outside the
    /// append-only audit log: the row is deleted when the record is destroyed. Run in the print's
    /// own transaction, with its audit entry.
    pub fn remember_saved_copy(tx: &rusqlite::Transaction, id: &str, path: &Path) -> Result<()> {
        let key = format!("{SAVED_COPIES}{id}");
        let current = super::kv::get(tx, &key)?;
        let mut list: Vec<String> = current.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default();
        let place = path.display().to_string();
        if !list.contains(&place) {
            list.push(place);
        }
        let value = serde_json::to_string(&list).map_err(|_| Error::File { path: "saved-copies".into(), source: None })?;
        super::kv::put(tx, &key, &value)?;
        Ok(())
    }

    /// Forget where copies of the record `id` were saved, returning those places (in `destroy`'s
    /// transaction: the places go with the record, or not at all).
    pub(crate) fn forget_saved_copies(tx: &rusqlite::Transaction, id: &str) -> Result<Vec<String>> {
        let key = format!("{SAVED_COPIES}{id}");
        let current = super::kv::get(tx, &key)?;
        super::kv::delete(tx, &key)?;
        Ok(current.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
    }
}
