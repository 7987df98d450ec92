//! 台帳, the annual report and the home screen's deadlines: what the centre keeps and reports,
//! computed from the finalised records with no retyping. No SQL here: the store reads the rows
//! (`store::report_rows`), this module makes tables, counts and lists of them. Retention and
//! destruction are the store's (`store::retention`, rules in `domain::retention`); the 利用料
//! too (`store::fees`, rules in `domain::fees`).
//!
//! - `table`: the table model every export format writes (XLSX, CSV, PDF).
//! - `rows`: the 特定健康相談実施台帳 (様式例1-3) and 面接指導実施台帳 (様式例2-4) from the store.

pub mod annual;
pub mod deadlines;
pub mod export;
pub mod rows;
pub mod source;
pub mod table;

pub use rows::{Ledger, LedgerFilter, LedgerKind};
pub use source::{ReportSource, ThisStore};
pub use table::{Cell, Column, Table};
