//! 台帳, the annual report, retention and fees: what the centre keeps and reports, computed from
//! the finalised records with no retyping.
//!
//! - `table`: the table model every export format writes (XLSX, CSV, PDF).
//! - `rows`: the 特定健康相談実施台帳 (様式例1-3) and 面接指導実施台帳 (様式例2-4) from the store.

pub mod annual;
pub mod deadlines;
pub mod export;
pub mod retention;
pub mod rows;
pub mod source;
pub mod table;

pub use rows::{Ledger, LedgerFilter, LedgerKind};
pub use source::{ReportSource, ThisStore};
pub use table::{Cell, Column, Table};
