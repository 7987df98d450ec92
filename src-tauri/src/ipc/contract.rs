//! The command table, declared once: the TypeScript `commands.ts` is generated from it, and it is
//! checked against `build.rs` (registration), the capability (grants) and `gui.rs` (handlers),
//! and each command's request and response types against its handler's signature.
//!
//! The table names the Rust types themselves, not their TypeScript: the TypeScript (and the
//! generated types to import) comes from ts-rs, so a renamed or changed type cannot drift from
//! the table, and the table cannot drift from the handler (`handlers_take_and_return_the_declared_types`).

use std::any::TypeId;
use std::path::PathBuf;

use chisanpo_core::delivery::{CentreOverview, DeliveryOverview, EnrolledDevice};
use chisanpo_core::domain::checklists::InterviewScores;
use chisanpo_core::domain::diff::FieldChange;
use chisanpo_core::domain::eligibility::EligibilityFinding;
use chisanpo_core::domain::hours_report::{HoursQuery, HoursReport};
use chisanpo_core::domain::retention::{DestructionReport, RetentionItem};
use chisanpo_core::domain::worker_csv::WorkerImportPreview;
use chisanpo_core::domain::{Interview, OutsideBody, RecordBody, RecordKind, Staff, Violation, Worker, Workplace};
use chisanpo_core::ledger::annual::AnnualReport;
use chisanpo_core::ledger::export::ExportReport;
use chisanpo_core::print::batch::BatchReport;
use chisanpo_core::print::PrintReport;
use chisanpo_core::settings::AppSettings;
use chisanpo_core::store::backup::{BackupInfo, BackupSettings, RestoreReport};
use chisanpo_core::store::directory::{DirectoryImportReport, DirectoryQuery};
use chisanpo_core::store::fees::FeeStatus;
use chisanpo_core::store::photos::PhotoInfo;
use chisanpo_core::store::referrals::{ReferralFilter, ReferralRow};
use chisanpo_core::store::visits::OpenFinding;
use chisanpo_core::store::{EntityRow, ListFilter, Profile, RecordSummary, RecordView};
use ts_rs::{Config, Dependency, TypeVisitor, TS};

use super::backups::{BackupSettingsRequest, RestoreRequest};
use super::batch_print::BatchPrintRequest;
use super::delivery::{CentreDatabaseRequest, CentreEnrolRequest, CentreEnrolResult, DeliverySettings, EnrolRequest, SetDeliveryTargetRequest};
use super::directory::{DirectoryExportReport, ExportDirectoryRequest, OutcomeRequest, SaveOutsideBodyRequest};
use super::editing::{AmendRequest, ChangesRequest, ConvertRequest, FromApplicationRequest, OpenFindingsRequest, SaveDraftRequest};
use super::entities::{HomeData, IdRequest, SaveWorkerRequest, SaveWorkplaceRequest, SearchRequest};
use super::guide::GuideBlock;
use super::imports::{ImportWorkersRequest, OpenPathRequest, WorkerImportRequest};
use super::ledgers::{AnnualRequest, DestroyRequest, ExportLedgerRequest, FeeExceptionRequest, LedgerRequest, LedgerView, PaymentRequest};
use super::photos::PhotoRequest;
use super::progress::CancelRequest;
use super::records::{PathRequest, PreviewRequest, PrintRequest, RecoverySheetRequest, SaveAsRequest};
use super::session::{
    AppStatus, ChangePassphraseRequest, CreateStoreRequest, CreateStoreResponse, HeartbeatReply, HeartbeatRequest, RecoverRequest, UnlockRequest,
};

/// A Rust type of the table, with what is needed of it: its TypeScript, the generated types that
/// TypeScript names, and its Rust name (to compare with the handler's signature).
#[derive(Clone, Copy)]
pub struct RustType {
    id: fn() -> TypeId,
    rust: fn() -> &'static str,
    ts: fn(&Config) -> String,
    imports: fn(&Config) -> Vec<Dependency>,
}

impl RustType {
    const fn of<T: TS + 'static>() -> Self {
        RustType { id: TypeId::of::<T>, rust: std::any::type_name::<T>, ts: <T as TS>::name, imports: named_types::<T> }
    }

    /// The type's TypeScript, as ts-rs names it (`Array<EntityRow<Workplace>>`, `string | null`).
    pub fn ts(&self, cfg: &Config) -> String {
        (self.ts)(cfg)
    }

    /// The Rust type's name, without paths (`Vec<EntityRow<Workplace>>`).
    pub fn rust(&self) -> String {
        without_paths((self.rust)())
    }
}

/// The generated (exported) types that `T`'s TypeScript name mentions: `T` itself and its type
/// arguments, all the way down (`Vec<EntityRow<Workplace>>`: `EntityRow`, `Workplace`).
fn named_types<T: TS + 'static>(cfg: &Config) -> Vec<Dependency> {
    struct Named<'a>(&'a Config, Vec<Dependency>);
    impl TypeVisitor for Named<'_> {
        fn visit<U: TS + 'static + ?Sized>(&mut self) {
            self.1.extend(Dependency::from_ty::<U>(self.0));
        }
    }
    let mut named = Named(cfg, Dependency::from_ty::<T>(cfg).into_iter().collect());
    T::visit_generics(&mut named);
    named.1
}

/// One IPC command as the TypeScript side sees it.
pub struct CommandSpec {
    pub name: &'static str,
    /// The request type (the handler's `req`), `()` if the command takes none.
    request: RustType,
    /// The response type (the handler's `IpcResult<_>`), `()` for a `null` response.
    pub response: RustType,
}

impl CommandSpec {
    /// The request type, if the command takes one.
    pub fn request(&self) -> Option<RustType> {
        ((self.request.id)() != TypeId::of::<()>()).then_some(self.request)
    }
}

/// The command `name`, taking a `Req` (`()`: nothing) and answering a `Resp`.
const fn spec<Req: TS + 'static, Resp: TS + 'static>(name: &'static str) -> CommandSpec {
    CommandSpec { name, request: RustType::of::<Req>(), response: RustType::of::<Resp>() }
}

pub const COMMANDS: &[CommandSpec] = &[
    spec::<(), AppStatus>("app_status"),
    spec::<CreateStoreRequest, CreateStoreResponse>("create_store"),
    spec::<UnlockRequest, Profile>("unlock"),
    spec::<(), ()>("lock"),
    spec::<HeartbeatRequest, HeartbeatReply>("heartbeat"),
    spec::<RecoverRequest, CreateStoreResponse>("recover"),
    spec::<ChangePassphraseRequest, ()>("change_passphrase"),
    spec::<(), HomeData>("home"),
    spec::<SearchRequest, Vec<EntityRow<Workplace>>>("search_workplaces"),
    spec::<SearchRequest, Vec<EntityRow<Worker>>>("search_workers"),
    spec::<IdRequest, EntityRow<Workplace>>("get_workplace"),
    spec::<SaveWorkplaceRequest, String>("save_workplace"),
    spec::<Workplace, Vec<EligibilityFinding>>("check_eligibility"),
    spec::<SaveWorkerRequest, String>("save_worker"),
    spec::<OpenPathRequest, Option<String>>("choose_open_path"),
    spec::<WorkerImportRequest, WorkerImportPreview>("preview_worker_import"),
    spec::<ImportWorkersRequest, Vec<String>>("import_workers"),
    spec::<(), BackupSettings>("backup_settings"),
    spec::<BackupSettingsRequest, BackupSettings>("set_backup_settings"),
    spec::<(), Option<BackupInfo>>("backup_now"),
    spec::<RestoreRequest, RestoreReport>("restore_backup"),
    spec::<(), Option<String>>("choose_folder"),
    spec::<ListFilter, Vec<RecordSummary>>("list_records"),
    spec::<IdRequest, RecordView>("get_record"),
    spec::<PrintRequest, PrintReport>("print_form"),
    spec::<PreviewRequest, String>("preview_form"),
    spec::<BatchPrintRequest, BatchReport>("print_batch"),
    spec::<(), ()>("cancel_print_batch"),
    spec::<RecoverySheetRequest, String>("save_recovery_sheet"),
    spec::<PathRequest, ()>("open_file"),
    spec::<SaveAsRequest, Option<String>>("choose_save_path"),
    spec::<(), AppSettings>("app_settings"),
    spec::<AppSettings, ()>("set_app_settings"),
    spec::<LedgerRequest, LedgerView>("ledger"),
    spec::<ExportLedgerRequest, ExportReport>("export_ledger"),
    spec::<AnnualRequest, AnnualReport>("annual_report"),
    spec::<AnnualRequest, String>("export_annual_report"),
    spec::<(), Vec<RetentionItem>>("retention_due"),
    spec::<DestroyRequest, DestructionReport>("destroy_records"),
    spec::<(), Vec<FeeStatus>>("fees_awaiting"),
    spec::<PaymentRequest, FeeStatus>("confirm_payment"),
    spec::<FeeExceptionRequest, FeeStatus>("override_fee"),
    spec::<RecordKind, RecordBody>("blank_record"),
    spec::<OpenFindingsRequest, Vec<OpenFinding>>("open_findings"),
    spec::<PathRequest, PhotoInfo>("add_photo"),
    spec::<PhotoRequest, String>("photo"),
    spec::<CancelRequest, ()>("cancel_operation"),
    spec::<(), Vec<GuideBlock>>("guide_page"),
    spec::<(), String>("guide_pdf"),
    spec::<DirectoryQuery, Vec<EntityRow<OutsideBody>>>("search_directory"),
    spec::<IdRequest, EntityRow<OutsideBody>>("get_outside_body"),
    spec::<SaveOutsideBodyRequest, String>("save_outside_body"),
    spec::<IdRequest, ()>("remove_outside_body"),
    spec::<PathRequest, DirectoryImportReport>("import_directory"),
    spec::<ExportDirectoryRequest, DirectoryExportReport>("export_directory"),
    spec::<ReferralFilter, Vec<ReferralRow>>("list_referrals"),
    spec::<IdRequest, String>("create_referral_from"),
    spec::<OutcomeRequest, u32>("record_referral_outcome"),
    spec::<RecordBody, String>("create_record"),
    spec::<SaveDraftRequest, ()>("save_draft"),
    spec::<IdRequest, ()>("discard_draft"),
    spec::<IdRequest, u32>("finalise_record"),
    spec::<AmendRequest, u32>("amend_record"),
    spec::<RecordBody, Vec<Violation>>("check_record"),
    spec::<RecordBody, Vec<Violation>>("record_warnings"),
    spec::<HoursQuery, HoursReport>("hours_report"),
    spec::<Interview, InterviewScores>("interview_scores"),
    spec::<ChangesRequest, Vec<FieldChange>>("record_changes"),
    spec::<ConvertRequest, String>("interview_to_consultation"),
    spec::<FromApplicationRequest, String>("record_from_application"),
    spec::<IdRequest, FeeStatus>("fee_status"),
    spec::<(), Vec<EntityRow<Staff>>>("list_staff"),
    spec::<(), DeliveryOverview>("delivery_overview"),
    spec::<(), DeliverySettings>("delivery_settings"),
    spec::<EnrolRequest, DeliverySettings>("enrol_device"),
    spec::<SetDeliveryTargetRequest, DeliverySettings>("set_delivery_target"),
    spec::<(), DeliveryOverview>("deliver_now"),
    spec::<(), DeliveryOverview>("release_held_bundles"),
    spec::<(), Option<CentreOverview>>("centre_overview"),
    spec::<(), Option<CentreOverview>>("centre_import_now"),
    spec::<(), Vec<EnrolledDevice>>("centre_devices"),
    spec::<CentreEnrolRequest, CentreEnrolResult>("centre_enrol_device"),
    spec::<CentreDatabaseRequest, Option<CentreOverview>>("set_centre_database"),
];

/// The TypeScript of the command table.
pub fn commands_ts() -> String {
    let cfg = Config::from_env();
    let mut types: Vec<Dependency> = COMMANDS.iter().flat_map(|c| c.request().into_iter().chain([c.response])).flat_map(|t| (t.imports)(&cfg)).collect();
    types.sort_unstable_by(|a, b| (&a.ts_name, &a.output_path).cmp(&(&b.ts_name, &b.output_path)));
    types.dedup_by(|a, b| (&a.ts_name, &a.output_path) == (&b.ts_name, &b.output_path));
    let mut out =
        String::from("// Generated from src-tauri/src/ipc/contract.rs by `cargo test`. Do not edit.\nimport { invoke } from \"@tauri-apps/api/core\";\n");
    for t in &types {
        let path = t.output_path.to_str().and_then(|p| p.strip_suffix(".ts")).expect("ts-rs writes each type to a .ts file");
        out.push_str(&format!("import type {{ {} }} from \"./{path}\";\n", t.ts_name));
    }
    out.push_str("\nexport const commands = {\n");
    for c in COMMANDS {
        let response = c.response.ts(&cfg);
        match c.request() {
            Some(r) => out.push_str(&format!("  {}: (req: {}) => invoke<{response}>(\"{}\", {{ req }}),\n", c.name, r.ts(&cfg), c.name)),
            None => out.push_str(&format!("  {}: () => invoke<{response}>(\"{}\"),\n", c.name, c.name)),
        }
    }
    out.push_str("};\n");
    out
}

/// `ty` with every path dropped and no spaces: `alloc::vec::Vec<chisanpo_store::views::EntityRow<X>>`
/// and `Vec<EntityRow<X>>` both become `Vec<EntityRow<X>>`.
fn without_paths(ty: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    for ch in ty.chars().filter(|c| !c.is_whitespace()) {
        if ch.is_alphanumeric() || ch == '_' || ch == ':' {
            word.push(ch);
        } else {
            out.push_str(word.rsplit("::").next().unwrap_or_default());
            word.clear();
            out.push(ch);
        }
    }
    out.push_str(word.rsplit("::").next().unwrap_or_default());
    out
}

fn bindings_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings")
}

#[test]
fn export_command_table() {
    std::fs::create_dir_all(bindings_dir()).unwrap();
    std::fs::write(bindings_dir().join("commands.ts"), commands_ts()).unwrap();
}

#[test]
fn every_command_is_registered_granted_and_handled_one_by_one() {
    let build = include_str!("../../build.rs");
    let capability = include_str!("../../capabilities/default.json");
    let handlers = include_str!("../gui.rs");
    for c in COMMANDS {
        assert!(build.contains(&format!("\"{}\"", c.name)), "{} is not in build.rs", c.name);
        assert!(capability.contains(&format!("\"allow-{}\"", c.name.replace('_', "-"))), "{} is not granted", c.name);
        assert!(handlers.contains(&format!("::{},", c.name)), "{} has no handler", c.name);
    }
    assert_eq!(capability.matches("\"allow-").count(), COMMANDS.len(), "the capability grants a command that does not exist");
    assert_eq!(build.matches("    \"").count(), COMMANDS.len(), "build.rs registers a command the table does not have");
}

/// A batch's progress and a long command's reach the page as events: the window may listen to
/// events, and to nothing else of Tauri's own (no window, path or shell permissions).
#[test]
fn the_page_may_listen_to_the_progress_events_and_nothing_more() {
    let capability: serde_json::Value = serde_json::from_str(include_str!("../../capabilities/default.json")).unwrap();
    let core: Vec<&str> = capability["permissions"].as_array().unwrap().iter().filter_map(|p| p.as_str()).filter(|p| p.starts_with("core:")).collect();
    assert_eq!(core, ["core:event:allow-listen", "core:event:allow-unlisten"]);
    assert!(include_str!("batch_print.rs").contains("app.emit(PROGRESS_EVENT"), "print_batch sends its progress as an event");
    assert!(include_str!("../../../ui/src/lib/batch.ts").contains(&format!("\"{}\"", super::batch_print::PROGRESS_EVENT)), "the page listens to that event");
    assert!(include_str!("progress.rs").contains("app.emit(PROGRESS_EVENT"), "the long commands send theirs");
    assert!(include_str!("../../../ui/src/lib/progress.ts").contains(&format!("\"{}\"", super::progress::PROGRESS_EVENT)), "and the page listens to it");
}

/// The signature of the handler of `name` (`pub async fn name(...) -> IpcResult<...>`), from the
/// source of the module `gui.rs` registers it from.
fn handler_signature(name: &str) -> &'static str {
    const MODULES: &[(&str, &str)] = &[
        ("backups", include_str!("backups.rs")),
        ("batch_print", include_str!("batch_print.rs")),
        ("delivery", include_str!("delivery.rs")),
        ("directory", include_str!("directory.rs")),
        ("editing", include_str!("editing.rs")),
        ("entities", include_str!("entities.rs")),
        ("guide", include_str!("guide.rs")),
        ("imports", include_str!("imports.rs")),
        ("ledgers", include_str!("ledgers.rs")),
        ("photos", include_str!("photos.rs")),
        ("progress", include_str!("progress.rs")),
        ("records", include_str!("records.rs")),
        ("session", include_str!("session.rs")),
    ];
    let gui = include_str!("../gui.rs");
    let (module, source) =
        MODULES.iter().find(|(m, _)| gui.contains(&format!("{m}::{name},"))).unwrap_or_else(|| panic!("{name}: gui.rs registers it from no IPC module"));
    let start = source.find(&format!("pub async fn {name}(")).unwrap_or_else(|| panic!("{name}: no `pub async fn {name}(` in ipc/{module}.rs"));
    let rest = &source[start..];
    &rest[..rest.find(" {").unwrap_or_else(|| panic!("{name}: the signature in ipc/{module}.rs has no body"))]
}

#[test]
fn handlers_take_and_return_the_declared_types() {
    for c in COMMANDS {
        let sig = handler_signature(c.name);
        let open = sig.find('(').unwrap();
        let close = sig.rfind(") ->").unwrap_or_else(|| panic!("{}: the handler has no return type", c.name));
        let mut depth = 0;
        let params = sig[open + 1..close].split(|ch| {
            match ch {
                '<' | '(' => depth += 1,
                '>' | ')' => depth -= 1,
                _ => {}
            }
            ch == ',' && depth == 0
        });
        let mut request = None;
        for p in params.map(str::trim).filter(|p| !p.is_empty()) {
            let (arg, ty) = p.split_once(':').unwrap_or_else(|| panic!("{}: cannot read the parameter {p:?}", c.name));
            let ty = without_paths(ty);
            match arg.trim() {
                "req" => request = Some(ty),
                // Given by Tauri, not sent by the page.
                _ if ty.starts_with("State<") || ty == "AppHandle" => {}
                other => panic!("{}: the page sends only `req`, but the handler also takes `{other}`", c.name),
            }
        }
        assert_eq!(request, c.request().map(|r| r.rust()), "{}: the handler's request type is not the table's", c.name);
        let response = without_paths(sig[close + ") ->".len()..].trim());
        assert_eq!(response, format!("IpcResult<{}>", c.response.rust()), "{}: the handler's response type is not the table's", c.name);
    }
}

#[test]
fn the_table_names_types_by_their_rust_types() {
    let cfg = Config::from_env();
    let search = COMMANDS.iter().find(|c| c.name == "search_workplaces").unwrap();
    assert_eq!(search.request().unwrap().ts(&cfg), "SearchRequest");
    assert_eq!(search.response.ts(&cfg), "Array<EntityRow<Workplace>>");
    let mut names: Vec<String> = (search.response.imports)(&cfg).into_iter().map(|d| d.ts_name).collect();
    names.sort();
    assert_eq!(names, ["EntityRow", "Workplace"]);
    let lock = COMMANDS.iter().find(|c| c.name == "lock").unwrap();
    assert!(lock.request().is_none());
    assert_eq!(lock.response.ts(&cfg), "null");
    assert_eq!(without_paths("core::option::Option<alloc::vec::Vec<chisanpo_store::EntityRow<a::B>>>"), "Option<Vec<EntityRow<B>>>");
}
