//! # chisanpo-forms
//!
//! The layer above the domain (ADR 0027): the 様式 as PDF. [`forms`] holds the drawing canvas
//! over printpdf, the embedded IPAex fonts with a user's fallback font for 外字, Japanese line
//! breaking, the stripping of font hints, and the layout of each form (意見書, 勤務状況情報書,
//! 特定健康相談記録票, 利用申込書, the recovery sheet). It takes what a record says
//! (`chisanpo-domain`) and never reads the store; `chisanpo-core` re-exports it as `forms`.

pub mod forms;

// The forms name the domain's types as `crate::domain::…` and `crate::error::…`.
use chisanpo_domain::{domain, error};
