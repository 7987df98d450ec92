//! 外部機関紹介 and the directory in a real encrypted store (issue 16): a referral is made from a
//! finalised consultation, interview or visit, names a body on the directory and keeps it as it
//! was, and its outcome is a 訂正 with a fixed reason; the list awaiting an outcome holds those
//! with none 30 days on.

use chisanpo_core::domain::referral::OUTCOME_REASON;
use chisanpo_core::domain::*;
use chisanpo_core::store::referrals::ReferralFilter;
use chisanpo_core::store::{KdfParams, Passphrase, Store};
use chisanpo_core::Error;

struct Fixture {
    _tmp: tempfile::TempDir,
    store: Store,
    workplace: String,
    worker: String,
    other_worker: String,
    clinic: String,
}

fn days_ago(n: i64) -> Date {
    let t = chisanpo_core::store::today().naive() - chrono::Duration::days(n);
    t.format("%Y-%m-%d").to_string().parse().unwrap()
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let profile = Staff { role: Some(StaffRole::Doctor), name: "産業 一郎".into(), ..Default::default() };
    let store = Store::init_with(&tmp.path().join("data"), &Passphrase::new("紹介テストのパスフレーズ"), &profile, KdfParams::MINIMUM).unwrap().0;
    let workplace = store.add_workplace(&Workplace { name: "山田製作所".into(), ..Default::default() }).unwrap();
    let worker = store.add_worker(&Worker { workplace_id: workplace.clone(), name: "佐藤 花子".into(), ..Default::default() }).unwrap();
    let other_worker = store.add_worker(&Worker { workplace_id: workplace.clone(), name: "鈴木 一郎".into(), ..Default::default() }).unwrap();
    let clinic = store
        .add_outside_body(&OutsideBody {
            name: "こころのクリニック".into(),
            kind: Some(BodyKind::Psychiatry),
            address: "静岡市葵区1-1".into(),
            area: "静岡市".into(),
            phone: "054-000-0001".into(),
            ..Default::default()
        })
        .unwrap();
    Fixture { _tmp: tmp, store, workplace, worker, other_worker, clinic }
}

impl Fixture {
    fn consultation(&self, on: Date) -> String {
        self.consultation_of(on, &self.worker)
    }

    fn consultation_of(&self, on: Date, worker: &str) -> String {
        let c = Consultation {
            performed_on: Some(on),
            place: Some(Place::MedicalInstitution),
            doctor_id: Some(self.store.actor().id.clone()),
            workplace_id: Some(self.workplace.clone()),
            worker_id: Some(worker.to_string()),
            requester: Some(Requester::Worker),
            kinds: vec![ConsultationKind::MentalHealth],
            content: "不眠が続く。".into(),
            referral: Some(true),
            ..Default::default()
        };
        self.store.create_record(&RecordBody::Consultation(c)).unwrap()
    }

    fn final_consultation(&self, on: Date) -> String {
        let id = self.consultation(on);
        self.store.finalise(&id).unwrap();
        id
    }

    /// A referral from `source`, to the clinic, saved as a draft.
    fn referral(&self, source: &str) -> (String, Referral) {
        let mut r = self.store.referral_from(source).unwrap();
        r.body_id = Some(self.clinic.clone());
        let id = self.store.create_record(&RecordBody::Referral(r.clone())).unwrap();
        (id, r)
    }

    fn fields(&self, e: Error) -> Vec<String> {
        match e {
            Error::Invalid(v) => v.into_iter().map(|v| v.field).collect(),
            other => panic!("not a violation: {other:?}"),
        }
    }
}

#[test]
fn a_referral_from_a_consultation_is_finalised_without_a_number_and_its_outcome_is_a_correction() {
    let f = fixture();
    let source = f.final_consultation(days_ago(10));
    let (id, r) = f.referral(&source);
    assert_eq!((r.worker_id.as_deref(), r.workplace_id.as_deref()), (Some(f.worker.as_str()), Some(f.workplace.as_str())), "filled from the source");
    assert_eq!((r.referred_on, r.reason), (Some(days_ago(10)), Some(ReferralReason::MentalHealth)));
    assert_eq!(f.store.finalise(&id).unwrap(), 1);
    assert_eq!(f.store.read(|c| chisanpo_core::store::records::ledger_number(c, &id)).unwrap(), None, "no 台帳 number");
    let v1 = f.store.get_version(&id, 1).unwrap();
    assert_eq!(v1.snapshot.outside_body.as_ref().map(|b| b.name.as_str()), Some("こころのクリニック"));
    assert_eq!(v1.snapshot.worker.as_ref().map(|w| w.name.as_str()), Some("佐藤 花子"));

    let on = days_ago(3);
    assert_eq!(f.store.record_referral_outcome(&id, ReferralOutcome::Attended, Some(on), "本人から報告").unwrap(), 2);
    let history = f.store.history(&id).unwrap();
    assert_eq!(history.last().unwrap().reason.as_deref(), Some(OUTCOME_REASON));
    let RecordBody::Referral(now) = f.store.get_version(&id, 2).unwrap().body else { panic!("a referral") };
    assert_eq!((now.outcome, now.outcome_on, now.outcome_note.as_str()), (Some(ReferralOutcome::Attended), Some(on), "本人から報告"));
    assert_eq!(
        Referral { outcome: None, outcome_on: None, outcome_note: String::new(), ..now.clone() },
        r.clone().with_body(&f.clinic),
        "only the outcome changed"
    );
    // The same outcome again changes nothing, and is refused as such.
    assert!(matches!(f.store.record_referral_outcome(&id, ReferralOutcome::Attended, Some(on), "本人から報告"), Err(Error::NoChange)));
    // A date in the future or before the referral is refused, and the record stays at version 2.
    let tomorrow = chisanpo_core::store::today().naive() + chrono::Duration::days(1);
    let tomorrow: Date = tomorrow.format("%Y-%m-%d").to_string().parse().unwrap();
    assert!(f.store.record_referral_outcome(&id, ReferralOutcome::NotAttended, Some(tomorrow), "").is_err());
    assert_eq!(f.fields(f.store.record_referral_outcome(&id, ReferralOutcome::NotAttended, Some(days_ago(20)), "").unwrap_err()), vec!["outcome_on"]);
    assert_eq!(f.store.get_record(&id).unwrap().summary.version, 2);
    // The source's row lists it.
    let rows = f.store.referrals(&ReferralFilter { source_id: Some(source.clone()), ..Default::default() }).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].body_name.as_str(), rows[0].outcome, rows[0].source_kind),
        ("こころのクリニック", Some(ReferralOutcome::Attended), Some(RecordKind::Consultation))
    );
}

trait WithBody {
    fn with_body(self, body: &str) -> Self;
}

impl WithBody for Referral {
    fn with_body(self, body: &str) -> Self {
        Referral { body_id: Some(body.to_string()), ..self }
    }
}

#[test]
fn a_referral_keeps_to_its_source() {
    let f = fixture();
    // A draft source: the referral may be drafted but not finalised.
    let draft_source = f.consultation(days_ago(5));
    let (id, _) = f.referral(&draft_source);
    assert_eq!(f.fields(f.store.finalise(&id).unwrap_err()), vec!["source_id"]);
    f.store.finalise(&draft_source).unwrap();
    // Another worker than the source's, or a date before it, is refused.
    let mut r = f.store.referral_from(&draft_source).unwrap().with_body(&f.clinic);
    r.worker_id = Some(f.other_worker.clone());
    r.referred_on = Some(days_ago(6));
    f.store.save_draft(&id, &RecordBody::Referral(r)).unwrap();
    let mut fields = f.fields(f.store.finalise(&id).unwrap_err());
    fields.sort();
    assert_eq!(fields, vec!["referred_on", "worker_id"]);
    // An application is no source; nor is a referral itself.
    let app = f.store.create_record(&RecordBody::Application(Application::default())).unwrap();
    assert!(f.store.referral_from(&app).is_err());
    let r = Referral { source_id: Some(id.clone()), ..f.store.referral_from(&draft_source).unwrap().with_body(&f.clinic) };
    assert_eq!(f.fields(f.store.save_draft(&id, &RecordBody::Referral(r)).unwrap_err()), vec!["source_id"], "not even as a draft");
    // A body that is not on the directory cannot be chosen.
    let r = Referral { body_id: Some("nowhere".into()), ..f.store.referral_from(&draft_source).unwrap() };
    f.store.save_draft(&id, &RecordBody::Referral(r)).unwrap();
    assert_eq!(f.fields(f.store.finalise(&id).unwrap_err()), vec!["body_id"]);
    // Fixed, it is finalised.
    f.store.save_draft(&id, &RecordBody::Referral(f.store.referral_from(&draft_source).unwrap().with_body(&f.clinic))).unwrap();
    f.store.finalise(&id).unwrap();
}

#[test]
fn a_body_removed_from_the_directory_is_still_named_and_its_outcome_can_be_recorded() {
    let f = fixture();
    let source = f.final_consultation(days_ago(40));
    let (id, _) = f.referral(&source);
    f.store.finalise(&id).unwrap();
    f.store.remove_outside_body(&f.clinic).unwrap();
    let rows = f.store.referrals(&ReferralFilter::default()).unwrap();
    assert_eq!(rows[0].body_name, "こころのクリニック", "the name as it was");
    assert_eq!(rows[0].body_phone, "054-000-0001");
    f.store.record_referral_outcome(&id, ReferralOutcome::Unknown, None, "連絡がつかない").unwrap();
    let v2 = f.store.get_version(&id, 2).unwrap();
    assert_eq!(v2.snapshot.outside_body.map(|b| b.name), Some("こころのクリニック".to_string()), "the correction keeps it too");
    // A new referral cannot choose the removed body.
    let (other, _) = f.referral(&source);
    assert_eq!(f.fields(f.store.finalise(&other).unwrap_err()), vec!["body_id"]);
}

#[test]
fn referrals_with_no_outcome_thirty_days_on_are_listed_until_one_is_recorded() {
    let f = fixture();
    let old = f.final_consultation(days_ago(45));
    // Another worker's (a second メンタルヘルス相談 after a 受診勧奨 would be charged).
    let recent = f.consultation_of(days_ago(29), &f.other_worker);
    f.store.finalise(&recent).unwrap();
    let (late, _) = f.referral(&old);
    f.store.finalise(&late).unwrap();
    let (young, _) = f.referral(&recent);
    f.store.finalise(&young).unwrap();
    let (draft, _) = f.referral(&old);
    let awaiting = |s: &Store| s.referrals(&ReferralFilter { awaiting: true, ..Default::default() }).unwrap();
    let rows = awaiting(&f.store);
    assert_eq!(rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec![late.as_str()], "not the 29-day one, not the draft {draft}");
    assert_eq!(rows[0].days_waiting, Some(45));
    assert_eq!(rows[0].worker_name.as_deref(), Some("佐藤 花子"));
    assert_eq!(
        f.store.referrals(&ReferralFilter { source_id: Some(recent.clone()), ..Default::default() }).unwrap()[0].worker_name.as_deref(),
        Some("鈴木 一郎")
    );
    f.store.record_referral_outcome(&late, ReferralOutcome::NotAttended, Some(days_ago(1)), "").unwrap();
    assert!(awaiting(&f.store).is_empty());
    assert_eq!(f.store.referrals(&ReferralFilter::default()).unwrap().len(), 3, "every referral, drafts too");
}

#[test]
fn a_visit_may_refer_the_employer_with_no_worker() {
    let f = fixture();
    let consultant = f
        .store
        .add_outside_body(&OutsideBody { name: "測定協会".into(), kind: Some(BodyKind::Measurement), phone: "054-1".into(), ..Default::default() })
        .unwrap();
    let visit = Visit {
        visited_on: Some(days_ago(7)),
        workplace_id: Some(f.workplace.clone()),
        doctor_id: Some(f.store.actor().id.clone()),
        activities: vec![VisitActivity::WorkEnvironment],
        ..Default::default()
    };
    let v = f.store.create_record(&RecordBody::Visit(visit)).unwrap();
    f.store.finalise(&v).unwrap();
    let mut r = f.store.referral_from(&v).unwrap();
    assert_eq!((r.worker_id.as_deref(), r.reason), (None, None), "a visit names no worker nor a reason");
    r.body_id = Some(consultant);
    r.reason = Some(ReferralReason::WorkEnvironment);
    let id = f.store.create_record(&RecordBody::Referral(r)).unwrap();
    f.store.finalise(&id).unwrap();
    assert_eq!(f.store.referrals(&ReferralFilter::default()).unwrap()[0].source_kind, Some(RecordKind::Visit));
}

#[test]
fn the_outcome_changes_only_by_its_own_correction_and_that_correction_changes_nothing_else() {
    let f = fixture();
    let source = f.final_consultation(days_ago(10));
    // Not at 確定: version 1 is the referral as made.
    let (early, r) = f.referral(&source);
    let with_outcome = Referral { outcome: Some(ReferralOutcome::Attended), outcome_on: Some(days_ago(2)), ..r.clone().with_body(&f.clinic) };
    f.store.save_draft(&early, &RecordBody::Referral(with_outcome)).unwrap();
    assert_eq!(f.fields(f.store.finalise(&early).unwrap_err()), vec!["outcome"]);
    f.store.save_draft(&early, &RecordBody::Referral(r.clone().with_body(&f.clinic))).unwrap();
    f.store.finalise(&early).unwrap();
    // A plain 訂正 naming the outcome's reason cannot change anything else.
    let other = Referral {
        reason: Some(ReferralReason::Treatment),
        outcome: Some(ReferralOutcome::Attended),
        outcome_on: Some(days_ago(1)),
        ..r.clone().with_body(&f.clinic)
    };
    assert_eq!(f.fields(f.store.amend(&early, &RecordBody::Referral(other), OUTCOME_REASON).unwrap_err()), vec!["reason"]);
    // Nor may another reason change the outcome, nor any change the source.
    let sneaked = Referral { outcome: Some(ReferralOutcome::NotAttended), outcome_on: Some(days_ago(1)), ..r.clone().with_body(&f.clinic) };
    assert_eq!(f.fields(f.store.amend(&early, &RecordBody::Referral(sneaked), "入力誤り").unwrap_err()), vec!["outcome"]);
    let other_source = f.consultation_of(days_ago(9), &f.other_worker);
    f.store.finalise(&other_source).unwrap();
    let moved = Referral { source_id: Some(other_source), ..r.clone().with_body(&f.clinic) };
    assert!(f.fields(f.store.amend(&early, &RecordBody::Referral(moved), "紹介元の誤り").unwrap_err()).contains(&"source_id".to_string()));
    // A correction of the reason's words is free, and the outcome's own correction works after it.
    let words = Referral { reason_text: "不眠と食欲低下".into(), ..r.with_body(&f.clinic) };
    assert_eq!(f.store.amend(&early, &RecordBody::Referral(words), "理由の追記").unwrap(), 2);
    assert_eq!(f.store.record_referral_outcome(&early, ReferralOutcome::Attended, Some(days_ago(1)), "").unwrap(), 3);
    assert_eq!(f.store.history(&early).unwrap().iter().map(|v| v.reason.clone().unwrap_or_default()).collect::<Vec<_>>(), ["", "理由の追記", OUTCOME_REASON]);
}

#[test]
fn the_body_stays_as_the_referral_named_it_though_the_directory_changes() {
    let f = fixture();
    let source = f.final_consultation(days_ago(10));
    let (id, _) = f.referral(&source);
    f.store.finalise(&id).unwrap();
    let mut renamed = f.store.get_outside_body(&f.clinic).unwrap().data;
    renamed.name = "やすらぎメンタルクリニック".into();
    renamed.phone = "054-999-9999".into();
    f.store.update_outside_body(&f.clinic, &renamed).unwrap();
    f.store.record_referral_outcome(&id, ReferralOutcome::Attended, Some(days_ago(1)), "").unwrap();
    let v2 = f.store.get_version(&id, 2).unwrap().snapshot.outside_body.unwrap();
    assert_eq!((v2.name.as_str(), v2.phone.as_str()), ("こころのクリニック", "054-000-0001"), "as it was when the referral was made");
    // A new referral to it names it as it is now.
    let (next, _) = f.referral(&source);
    f.store.finalise(&next).unwrap();
    assert_eq!(f.store.get_version(&next, 1).unwrap().snapshot.outside_body.unwrap().name, "やすらぎメンタルクリニック");
}

#[test]
fn an_open_correction_is_never_thrown_away_by_recording_the_outcome() {
    let f = fixture();
    let source = f.final_consultation(days_ago(10));
    let (id, r) = f.referral(&source);
    f.store.finalise(&id).unwrap();
    let draft = Referral { reason_text: "訂正の途中".into(), ..r.with_body(&f.clinic) };
    f.store.save_draft(&id, &RecordBody::Referral(draft.clone())).unwrap();
    let e = f.store.record_referral_outcome(&id, ReferralOutcome::Attended, Some(days_ago(1)), "").unwrap_err();
    assert!(e.to_string().contains("訂正の下書き"), "{e}");
    assert_eq!(f.store.get_record(&id).unwrap().draft, Some(RecordBody::Referral(draft)), "the draft is kept");
    assert_eq!(f.store.get_record(&id).unwrap().summary.version, 1);
}

#[test]
fn a_corrected_source_does_not_block_the_outcome_and_future_dates_are_refused() {
    let f = fixture();
    let source = f.final_consultation(days_ago(10));
    let (id, _) = f.referral(&source);
    f.store.finalise(&id).unwrap();
    // The consultation was of the other worker, corrected since.
    let RecordBody::Consultation(c) = f.store.get_version(&source, 1).unwrap().body else { panic!("a consultation") };
    let differs = |s: &Store| s.referrals(&ReferralFilter { source_id: Some(source.clone()), ..Default::default() }).unwrap()[0].source_differs;
    assert!(!differs(&f.store), "made from it as it was");
    f.store.amend(&source, &RecordBody::Consultation(Consultation { worker_id: Some(f.other_worker.clone()), ..c }), "労働者の取り違え").unwrap();
    assert!(differs(&f.store), "the list says the referral no longer matches its corrected source");
    assert_eq!(f.store.record_referral_outcome(&id, ReferralOutcome::Unknown, None, "").unwrap(), 2);
    assert!(differs(&f.store), "recording the outcome does not change whom it names");
    // The referral corrected to the source's worker matches again.
    let RecordBody::Referral(r2) = f.store.get_version(&id, 2).unwrap().body else { panic!("a referral") };
    f.store.amend(&id, &RecordBody::Referral(Referral { worker_id: Some(f.other_worker.clone()), ..r2 }), "紹介元の訂正に合わせる").unwrap();
    assert!(!differs(&f.store));
    // A referral dated tomorrow is refused at 確定.
    let (later, r) = f.referral(&source);
    let tomorrow: Date = (chisanpo_core::store::today().naive() + chrono::Duration::days(1)).format("%Y-%m-%d").to_string().parse().unwrap();
    let mut future = Referral { referred_on: Some(tomorrow), ..r.with_body(&f.clinic) };
    future.worker_id = Some(f.other_worker.clone());
    f.store.save_draft(&later, &RecordBody::Referral(future)).unwrap();
    assert!(f.fields(f.store.finalise(&later).unwrap_err()).contains(&"referred_on".to_string()));
}
