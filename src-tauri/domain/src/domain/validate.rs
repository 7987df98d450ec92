//! Validation results: each problem names the field and says, in Japanese, how to fix it.
//! Messages never repeat the value (it may be health data).

/// One problem with one field of a record (declared with the errors, which carry them).
pub use crate::error::Violation;

/// Whether a record is being saved as a draft or finalised (確定).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// A draft may be incomplete, but what it holds must be possible.
    Draft,
    /// A finalised record must be complete and free of contradictions.
    Final,
}

/// Collects violations.
#[derive(Debug, Default)]
pub struct Violations(pub Vec<Violation>);

impl Violations {
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(Violation { field: field.into(), message: message.into() });
    }

    /// A required value: missing only matters when finalising.
    pub fn require<T>(&mut self, strict: Strictness, value: &Option<T>, field: &str, label: &str) {
        if strict == Strictness::Final && value.is_none() {
            self.push(field, format!("{label}を入力してください。"));
        }
    }

    /// Required text.
    pub fn require_text(&mut self, strict: Strictness, value: &str, field: &str, label: &str) {
        if strict == Strictness::Final && value.trim().is_empty() {
            self.push(field, format!("{label}を入力してください。"));
        }
    }

    /// A text field is at most `max` characters.
    pub fn max_len(&mut self, value: &str, max: usize, field: &str, label: &str) {
        if value.chars().count() > max {
            self.push(field, format!("{label}は{max}文字以内で入力してください。"));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<Violation> {
        self.0
    }
}
