//! What a form is drawn from: one version of a record (or its draft) with the snapshot of the
//! people and places it names, and how it is to be marked.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::{Date, RecordBody, RecordKind, Snapshot, TimeOfDay};
use crate::error::Result;

use super::fonts::{FontFace, FontSet};
use super::sheet::{FormHeader, PrintStatus};

/// The 様式 the app prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum FormKind {
    /// 様式例2-3 面接指導結果報告書及び事後措置に係る意見書 (or the high-stress variant).
    Opinion,
    /// 様式例2-2 長時間労働者への面接指導 勤務状況情報書.
    WorkStatus,
    /// 様式例2-1 医師による面接指導申出書.
    Request,
    /// 様式例1-2 特定健康相談記録票.
    ConsultationRecord,
    /// 様式例1-1 利用申込書.
    Application,
    /// 産業保健指導結果報告書（職場巡視結果報告）: the employer's report of a 訪問指導.
    VisitReport,
}

impl FormKind {
    pub const ALL: [FormKind; 6] =
        [FormKind::Opinion, FormKind::WorkStatus, FormKind::Request, FormKind::ConsultationRecord, FormKind::Application, FormKind::VisitReport];

    pub fn label(self) -> &'static str {
        match self {
            FormKind::Opinion => "面接指導結果報告書及び意見書",
            FormKind::WorkStatus => "勤務状況情報書",
            FormKind::Request => "面接指導申出書",
            FormKind::ConsultationRecord => "特定健康相談記録票",
            FormKind::Application => "利用申込書",
            FormKind::VisitReport => "産業保健指導結果報告書",
        }
    }

    /// The name used on the command line and in file names.
    pub fn as_str(self) -> &'static str {
        match self {
            FormKind::Opinion => "opinion",
            FormKind::WorkStatus => "work-status",
            FormKind::Request => "request",
            FormKind::ConsultationRecord => "consultation-record",
            FormKind::Application => "application",
            FormKind::VisitReport => "visit-report",
        }
    }

    /// The record kind this form is made from.
    pub fn record_kind(self) -> RecordKind {
        match self {
            FormKind::Opinion | FormKind::WorkStatus | FormKind::Request => RecordKind::Interview,
            FormKind::ConsultationRecord => RecordKind::Consultation,
            FormKind::Application => RecordKind::Application,
            FormKind::VisitReport => RecordKind::Visit,
        }
    }
}

/// One record as a form shows it.
#[derive(Debug, Clone)]
pub struct FormInput {
    pub record_id: String,
    /// The finalised version printed (0 for a draft).
    pub version: u32,
    pub status: PrintStatus,
    pub body: RecordBody,
    pub snapshot: Snapshot,
    /// 地域産業保健センター名 (printed where the forms name the centre).
    pub centre_name: String,
}

impl FormInput {
    /// The header every page of this form carries.
    pub fn header(&self, form_no: &str, title: &str, subject_line: String) -> FormHeader {
        FormHeader {
            form_no: form_no.to_string(),
            title: title.to_string(),
            record_id: self.record_id.clone(),
            version: self.version,
            status: self.status.clone(),
            subject_line,
            author: self.doctor_name(),
        }
    }

    pub fn doctor_name(&self) -> String {
        self.snapshot.doctor.as_ref().map(|d| d.name.clone()).unwrap_or_default()
    }

    pub fn doctor_affiliation(&self) -> String {
        self.snapshot.doctor.as_ref().map(|d| d.affiliation.clone()).unwrap_or_default()
    }

    pub fn worker_name(&self) -> String {
        self.snapshot.worker.as_ref().map(|w| w.name.clone()).unwrap_or_default()
    }

    pub fn workplace_name(&self) -> String {
        self.snapshot.workplace.as_ref().map(|w| w.name.clone()).unwrap_or_default()
    }

    /// The worker's age at `on`, as the forms print it (`45`), or blank.
    pub fn age_at(&self, on: Option<Date>) -> String {
        match (self.snapshot.worker.as_ref().and_then(|w| w.birth_date), on) {
            (Some(b), Some(d)) => d.age_of(b).map(|a| a.to_string()).unwrap_or_default(),
            _ => String::new(),
        }
    }
}

/// `令和7年4月1日`, or blank.
pub fn wareki(d: Option<Date>) -> String {
    d.map(|d| d.wareki()).unwrap_or_default()
}

/// `令和7年4月1日（火）`, or blank.
pub fn wareki_weekday(d: Option<Date>) -> String {
    d.map(|d| d.wareki_weekday()).unwrap_or_default()
}

/// `9時30分`, or blank.
pub fn hm(t: Option<TimeOfDay>) -> String {
    t.map(|t| format!("{}時{:02}分", t.hour(), t.minute())).unwrap_or_default()
}

/// Hours as the forms print them: `105.5`, `80`.
pub fn hours(h: Option<f64>) -> String {
    h.map(|h| {
        let r = (h * 10.0).round() / 10.0;
        if r.fract() == 0.0 {
            format!("{r:.0}")
        } else {
            format!("{r:.1}")
        }
    })
    .unwrap_or_default()
}

/// Check every value a form will print for characters no font can draw.
pub fn check_glyphs(fonts: &FontSet, fields: &[(String, String)]) -> Result<()> {
    for (label, value) in fields {
        fonts.check(FontFace::Mincho, label, value)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_and_times_print_as_on_paper() {
        assert_eq!(hours(Some(80.0)), "80");
        assert_eq!(hours(Some(105.46)), "105.5");
        assert_eq!(hours(None), "");
        assert_eq!(hm(TimeOfDay::hm(9, 5)), "9時05分");
    }

    #[test]
    fn form_kinds_have_cli_names() {
        let names: Vec<&str> = FormKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, ["opinion", "work-status", "request", "consultation-record", "application", "visit-report"]);
        assert_eq!(serde_json::to_string(&FormKind::WorkStatus).unwrap(), "\"work-status\"");
    }
}
