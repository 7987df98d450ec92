//! The record envelope: one body per kind of record, and the facts every kind shares.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::application::Application;
use super::codes::{Place, RecordKind};
use super::consultation::Consultation;
use super::dates::Date;
use super::directory::OutsideBody;
use super::entities::{Staff, Worker, Workplace};
use super::interview::Interview;
use super::referral::Referral;
use super::validate::{Strictness, Violations};
use super::visit::{FollowedFinding, PhotoData, Visit};

/// The content of a record, by kind. In JSON: `{"kind": "consultation", "data": {…}}`.
// A record body is handled one at a time and by reference; boxing the larger variant would
// only complicate every match for a few hundred bytes.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
#[ts(export)]
pub enum RecordBody {
    Application(Application),
    Consultation(Consultation),
    Interview(Interview),
    Visit(Visit),
    Referral(Referral),
}

impl RecordBody {
    pub fn kind(&self) -> RecordKind {
        match self {
            RecordBody::Application(_) => RecordKind::Application,
            RecordBody::Consultation(_) => RecordKind::Consultation,
            RecordBody::Interview(_) => RecordKind::Interview,
            RecordBody::Visit(_) => RecordKind::Visit,
            RecordBody::Referral(_) => RecordKind::Referral,
        }
    }

    /// Parse the `data` of a record of a known kind.
    pub fn from_json(kind: RecordKind, data: serde_json::Value) -> serde_json::Result<Self> {
        Ok(match kind {
            RecordKind::Application => RecordBody::Application(serde_json::from_value(data)?),
            RecordKind::Consultation => RecordBody::Consultation(serde_json::from_value(data)?),
            RecordKind::Interview => RecordBody::Interview(serde_json::from_value(data)?),
            RecordKind::Visit => RecordBody::Visit(serde_json::from_value(data)?),
            RecordKind::Referral => RecordBody::Referral(serde_json::from_value(data)?),
        })
    }

    /// Parse the `data` of a record of a known kind, as [`RecordBody::from_json`], with an error
    /// in Japanese that names the field's path ([`crate::error::Error::from_json_at`]).
    pub fn parse(kind: RecordKind, data: serde_json::Value) -> crate::error::Result<Self> {
        use crate::error::json_from_value;
        Ok(match kind {
            RecordKind::Application => RecordBody::Application(json_from_value(data)?),
            RecordKind::Consultation => RecordBody::Consultation(json_from_value(data)?),
            RecordKind::Interview => RecordBody::Interview(json_from_value(data)?),
            RecordKind::Visit => RecordBody::Visit(json_from_value(data)?),
            RecordKind::Referral => RecordBody::Referral(json_from_value(data)?),
        })
    }

    pub fn data_json(&self) -> serde_json::Value {
        match self {
            RecordBody::Application(a) => serde_json::to_value(a),
            RecordBody::Consultation(c) => serde_json::to_value(c),
            RecordBody::Interview(i) => serde_json::to_value(i),
            RecordBody::Visit(v) => serde_json::to_value(v),
            RecordBody::Referral(r) => serde_json::to_value(r),
        }
        .expect("record bodies always serialise")
    }

    /// What the core derives from the record (an interview's hours, class and warnings).
    pub fn facts(&self) -> Option<super::interview_facts::InterviewFacts> {
        match self {
            RecordBody::Interview(i) => Some(i.facts()),
            RecordBody::Application(_) | RecordBody::Consultation(_) | RecordBody::Visit(_) | RecordBody::Referral(_) => None,
        }
    }

    /// Plausibility warnings: worth a second look, never a reason to refuse 確定.
    pub fn warnings(&self) -> Vec<super::validate::Violation> {
        match self {
            RecordBody::Interview(i) => super::plausibility::interview_warnings(i),
            RecordBody::Application(_) | RecordBody::Consultation(_) | RecordBody::Visit(_) | RecordBody::Referral(_) => Vec::new(),
        }
    }

    /// The date the service was performed (an application: the date it was received).
    pub fn performed_on(&self) -> Option<Date> {
        match self {
            RecordBody::Application(a) => a.received_on,
            RecordBody::Consultation(c) => c.performed_on,
            RecordBody::Interview(i) => i.performed_on,
            RecordBody::Visit(v) => v.visited_on,
            RecordBody::Referral(r) => r.referred_on,
        }
    }

    pub fn received_on(&self) -> Option<Date> {
        match self {
            RecordBody::Application(a) => a.received_on,
            RecordBody::Consultation(c) => c.received_on,
            RecordBody::Interview(i) => i.received_on,
            RecordBody::Visit(_) | RecordBody::Referral(_) => None,
        }
    }

    pub fn place(&self) -> Option<Place> {
        match self {
            RecordBody::Application(a) => a.place,
            RecordBody::Consultation(c) => c.place,
            RecordBody::Interview(i) => i.place,
            RecordBody::Visit(_) => Some(Place::WorkplaceVisit),
            RecordBody::Referral(_) => None,
        }
    }

    pub fn workplace_id(&self) -> Option<&str> {
        match self {
            RecordBody::Application(a) => a.workplace_id.as_deref(),
            RecordBody::Consultation(c) => c.workplace_id.as_deref(),
            RecordBody::Interview(i) => i.workplace_id.as_deref(),
            RecordBody::Visit(v) => v.workplace_id.as_deref(),
            RecordBody::Referral(r) => r.workplace_id.as_deref(),
        }
    }

    pub fn worker_id(&self) -> Option<&str> {
        match self {
            RecordBody::Application(_) => None,
            RecordBody::Consultation(c) => c.worker_id.as_deref(),
            RecordBody::Interview(i) => i.worker_id.as_deref(),
            RecordBody::Visit(_) => None,
            RecordBody::Referral(r) => r.worker_id.as_deref(),
        }
    }

    pub fn doctor_id(&self) -> Option<&str> {
        match self {
            RecordBody::Application(a) => a.doctor_id.as_deref(),
            RecordBody::Consultation(c) => c.doctor_id.as_deref(),
            RecordBody::Interview(i) => i.doctor_id.as_deref(),
            RecordBody::Visit(v) => v.doctor_id.as_deref(),
            RecordBody::Referral(r) => r.doctor_id.as_deref(),
        }
    }

    pub fn validate(&self, strict: Strictness) -> Violations {
        match self {
            RecordBody::Application(a) => a.validate(strict),
            RecordBody::Consultation(c) => c.validate(strict),
            RecordBody::Interview(i) => i.validate(strict),
            RecordBody::Visit(v) => v.validate(strict),
            RecordBody::Referral(r) => r.validate(strict),
        }
    }
}

/// What a finalised version saw of the people and places it names, frozen with it, so that a
/// reprint years later shows what the signed paper showed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Snapshot {
    pub workplace: Option<Workplace>,
    pub worker: Option<Worker>,
    pub doctor: Option<Staff>,
    /// A visit's visitors, one per [`super::visit::Visitor`] in order: the staff member on file,
    /// or only the name typed in. Absent for other kinds (and so in versions made before visits).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<Staff>>", optional)]
    pub visitors: Vec<Staff>,
    /// The earlier findings a visit follows up, as they read when it was finalised.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<FollowedFinding>>", optional)]
    pub followed: Vec<FollowedFinding>,
    /// A visit's photos, the JPEGs themselves (so they travel to the centre with the version).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<PhotoData>>", optional)]
    pub photos: Vec<PhotoData>,
    /// The body a referral named, as the directory held it when the referral was finalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub outside_body: Option<OutsideBody>,
}

/// One finalised version as stored: the body and the snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VersionContent {
    pub body: RecordBody,
    pub snapshot: Snapshot,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_tagged_by_kind() {
        let body = RecordBody::Consultation(Consultation { notes: "x".into(), ..Default::default() });
        let v = serde_json::to_value(&body).unwrap();
        assert_eq!(v["kind"], "consultation");
        assert_eq!(v["data"]["notes"], "x");
        let back = RecordBody::from_json(RecordKind::Consultation, v["data"].clone()).unwrap();
        assert_eq!(back, body);
        assert_eq!(back.kind(), RecordKind::Consultation);
    }
}
