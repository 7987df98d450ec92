//! The domain: what the 様式 record, and the rules of the law, as types and pure functions.

pub mod activity;
pub mod application;
pub mod checklists;
pub mod codes;
pub mod consultation;
pub mod dates;
pub mod diff;
pub mod directory;
pub mod eligibility;
pub mod entities;
pub mod fees;
pub mod fiscal;
pub mod hours;
pub mod hours_report;
pub mod interview;
pub mod interview_facts;
pub mod kana;
pub mod plausibility;
pub mod record;
pub mod referral;
pub mod retention;
pub mod stress_check;
pub mod validate;
pub mod visit;
pub mod wareki;
pub mod worker_csv;

pub use activity::{Activity, ActivityKind, CouncilLevel};
pub use application::{Application, PreferredSlot};
pub use codes::*;
pub use consultation::Consultation;
pub use dates::{Date, TimeOfDay, YearMonth};
pub use directory::{BodyKind, OutsideBody};
pub use entities::{Staff, Worker, Workplace};
pub use interview::{Consent, HoursMeasure, Interview, InterviewRequest, InterviewResult, Opinion, Preparer, StressScores, WorkStatus};
pub use interview_facts::InterviewFacts;
pub use record::{RecordBody, Snapshot, VersionContent};
pub use referral::{Referral, ReferralOutcome, ReferralReason};
pub use validate::{Strictness, Violation, Violations};
pub use visit::{
    Finding, FindingCategory, FindingFollowUp, FindingPriority, FollowedFinding, ImprovementStatus, PhotoData, PhotoRef, Visit, VisitActivity, Visitor,
    VisitorRole,
};
