//! Which records a batch prints, read from the store before any drawing: the store is read on the
//! calling thread only, and the threads that draw never touch it.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

use super::BatchSelection;
use crate::domain::{Code, RecordStatus};
use crate::error::{Error, Result};
use crate::forms::{FormInput, FormKind};
use crate::print::Printing;
use crate::store::{ListFilter, Store};

/// The inputs of a batch, in print order.
#[derive(Debug)]
pub struct Chosen {
    pub inputs: Vec<FormInput>,
    /// Of a fiscal year: the records never finalised, left out.
    pub skipped_drafts: u32,
    /// The user cancelled while the records were read.
    pub cancelled: bool,
}

/// Read the form input of every record `selection` names. An empty selection is refused with a
/// message that says what to do; so is a record of another kind than the form is made from.
pub fn inputs(store: &Store, form: FormKind, selection: &BatchSelection, cancel: &AtomicBool) -> Result<Chosen> {
    let (ids, skipped_drafts) = match selection {
        BatchSelection::FiscalYear { fiscal_year } => {
            let filter = ListFilter { kind: Some(form.record_kind()), fiscal_year: Some(*fiscal_year), ..Default::default() };
            let mut rows = store.list_records(&filter)?;
            // Listed newest first; printed in the order they happened.
            rows.reverse();
            let drafts = rows.iter().filter(|r| r.status == RecordStatus::Draft).count();
            let ids: Vec<String> = rows.into_iter().filter(|r| r.status == RecordStatus::Final).map(|r| r.id).collect();
            if ids.is_empty() {
                let kind = form.record_kind().label();
                let left = if drafts > 0 { format!("（下書きの{drafts}件は印刷しません）") } else { String::new() };
                return Err(Error::invalid(
                    "fiscal_year",
                    format!("{fiscal_year}年度に確定した{kind}の記録がありません{left}。年度を確かめるか、記録を確定してから印刷してください。"),
                ));
            }
            (ids, u32::try_from(drafts).unwrap_or(u32::MAX))
        }
        BatchSelection::Records { ids } => {
            let mut seen = HashSet::new();
            let ids: Vec<String> = ids.iter().map(|id| id.trim().to_string()).filter(|id| !id.is_empty() && seen.insert(id.clone())).collect();
            if ids.is_empty() {
                return Err(Error::invalid("ids", "印刷する記録が選ばれていません。記録を選ぶか、年度を指定してから印刷してください。"));
            }
            (ids, 0)
        }
    };
    let mut inputs = Vec::with_capacity(ids.len());
    for id in &ids {
        if cancel.load(Ordering::Relaxed) {
            return Ok(Chosen { inputs: vec![], skipped_drafts, cancelled: true });
        }
        let input = store.form_input(id, None)?;
        let kind = input.body.kind();
        if kind != form.record_kind() {
            return Err(Error::invalid(
                "ids",
                format!(
                    "記録（ID: {id}）は{}の記録のため、{}は作れません。{}の記録だけを選んでください。",
                    kind.label(),
                    form.label(),
                    form.record_kind().label()
                ),
            ));
        }
        inputs.push(input);
    }
    Ok(Chosen { inputs, skipped_drafts, cancelled: false })
}
