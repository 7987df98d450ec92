//! The command table, declared once: the TypeScript `commands.ts` is generated from it, and it is
//! checked against `build.rs` (registration), the capability (grants) and `gui.rs` (handlers).

use std::path::PathBuf;

/// One IPC command as the TypeScript side sees it.
pub struct CommandSpec {
    pub name: &'static str,
    /// The request type, if the command takes one.
    pub request: Option<&'static str>,
    /// The response type, as TypeScript.
    pub response: &'static str,
    /// Generated types the signature names.
    pub types: &'static [&'static str],
}

const fn cmd(name: &'static str, request: Option<&'static str>, response: &'static str, types: &'static [&'static str]) -> CommandSpec {
    CommandSpec { name, request, response, types }
}

pub const COMMANDS: &[CommandSpec] = &[
    cmd("app_status", None, "AppStatus", &["AppStatus"]),
    cmd("create_store", Some("CreateStoreRequest"), "CreateStoreResponse", &["CreateStoreRequest", "CreateStoreResponse"]),
    cmd("unlock", Some("UnlockRequest"), "Profile", &["UnlockRequest", "Profile"]),
    cmd("lock", None, "null", &[]),
    cmd("heartbeat", Some("HeartbeatRequest"), "HeartbeatReply", &["HeartbeatRequest", "HeartbeatReply"]),
    cmd("recover", Some("RecoverRequest"), "CreateStoreResponse", &["RecoverRequest", "CreateStoreResponse"]),
    cmd("change_passphrase", Some("ChangePassphraseRequest"), "null", &["ChangePassphraseRequest"]),
    cmd("home", None, "HomeData", &["HomeData"]),
    cmd("search_workplaces", Some("SearchRequest"), "Array<EntityRow<Workplace>>", &["SearchRequest", "EntityRow", "Workplace"]),
    cmd("search_workers", Some("SearchRequest"), "Array<EntityRow<Worker>>", &["SearchRequest", "EntityRow", "Worker"]),
    cmd("get_workplace", Some("IdRequest"), "EntityRow<Workplace>", &["IdRequest", "EntityRow", "Workplace"]),
    cmd("save_workplace", Some("SaveWorkplaceRequest"), "string", &["SaveWorkplaceRequest"]),
    cmd("check_eligibility", Some("Workplace"), "Array<EligibilityFinding>", &["Workplace", "EligibilityFinding"]),
    cmd("save_worker", Some("SaveWorkerRequest"), "string", &["SaveWorkerRequest"]),
    cmd("choose_open_path", Some("OpenPathRequest"), "string | null", &["OpenPathRequest"]),
    cmd("preview_worker_import", Some("WorkerImportRequest"), "WorkerImportPreview", &["WorkerImportRequest", "WorkerImportPreview"]),
    cmd("import_workers", Some("ImportWorkersRequest"), "Array<string>", &["ImportWorkersRequest"]),
    cmd("backup_settings", None, "BackupSettings", &["BackupSettings"]),
    cmd("set_backup_settings", Some("BackupSettingsRequest"), "BackupSettings", &["BackupSettingsRequest", "BackupSettings"]),
    cmd("backup_now", None, "BackupInfo | null", &["BackupInfo"]),
    cmd("restore_backup", Some("RestoreRequest"), "RestoreReport", &["RestoreRequest", "RestoreReport"]),
    cmd("choose_folder", None, "string | null", &[]),
    cmd("list_records", Some("ListFilter"), "Array<RecordSummary>", &["ListFilter", "RecordSummary"]),
    cmd("get_record", Some("IdRequest"), "RecordView", &["IdRequest", "RecordView"]),
    cmd("print_form", Some("PrintRequest"), "PrintReport", &["PrintRequest", "PrintReport"]),
    cmd("save_recovery_sheet", Some("RecoverySheetRequest"), "string", &["RecoverySheetRequest"]),
    cmd("open_file", Some("PathRequest"), "null", &["PathRequest"]),
    cmd("choose_save_path", Some("SaveAsRequest"), "string | null", &["SaveAsRequest"]),
    cmd("app_settings", None, "AppSettings", &["AppSettings"]),
    cmd("set_app_settings", Some("AppSettings"), "null", &["AppSettings"]),
    cmd("ledger", Some("LedgerRequest"), "LedgerView", &["LedgerRequest", "LedgerView"]),
    cmd("export_ledger", Some("ExportLedgerRequest"), "ExportReport", &["ExportLedgerRequest", "ExportReport"]),
    cmd("annual_report", Some("AnnualRequest"), "AnnualReport", &["AnnualRequest", "AnnualReport"]),
    cmd("export_annual_report", Some("AnnualRequest"), "string", &["AnnualRequest"]),
    cmd("retention_due", None, "Array<RetentionItem>", &["RetentionItem"]),
    cmd("destroy_records", Some("DestroyRequest"), "DestructionReport", &["DestroyRequest", "DestructionReport"]),
    cmd("fees_awaiting", None, "Array<FeeStatus>", &["FeeStatus"]),
    cmd("confirm_payment", Some("PaymentRequest"), "FeeStatus", &["PaymentRequest", "FeeStatus"]),
    cmd("override_fee", Some("FeeExceptionRequest"), "FeeStatus", &["FeeExceptionRequest", "FeeStatus"]),
    cmd("blank_record", Some("RecordKind"), "RecordBody", &["RecordKind", "RecordBody"]),
    cmd("create_record", Some("RecordBody"), "string", &["RecordBody"]),
    cmd("save_draft", Some("SaveDraftRequest"), "null", &["SaveDraftRequest"]),
    cmd("discard_draft", Some("IdRequest"), "null", &["IdRequest"]),
    cmd("finalise_record", Some("IdRequest"), "number", &["IdRequest"]),
    cmd("amend_record", Some("AmendRequest"), "number", &["AmendRequest"]),
    cmd("check_record", Some("RecordBody"), "Array<Violation>", &["RecordBody", "Violation"]),
    cmd("record_warnings", Some("RecordBody"), "Array<Violation>", &["RecordBody", "Violation"]),
    cmd("hours_report", Some("HoursQuery"), "HoursReport", &["HoursQuery", "HoursReport"]),
    cmd("interview_scores", Some("Interview"), "InterviewScores", &["Interview", "InterviewScores"]),
    cmd("record_changes", Some("ChangesRequest"), "Array<FieldChange>", &["ChangesRequest", "FieldChange"]),
    cmd("interview_to_consultation", Some("ConvertRequest"), "string", &["ConvertRequest"]),
    cmd("record_from_application", Some("FromApplicationRequest"), "string", &["FromApplicationRequest"]),
    cmd("fee_status", Some("IdRequest"), "FeeStatus", &["IdRequest", "FeeStatus"]),
    cmd("list_staff", None, "Array<EntityRow<Staff>>", &["EntityRow", "Staff"]),
    cmd("delivery_overview", None, "DeliveryOverview", &["DeliveryOverview"]),
    cmd("delivery_settings", None, "DeliverySettings", &["DeliverySettings"]),
    cmd("enrol_device", Some("EnrolRequest"), "DeliverySettings", &["EnrolRequest", "DeliverySettings"]),
    cmd("set_delivery_target", Some("SetDeliveryTargetRequest"), "DeliverySettings", &["SetDeliveryTargetRequest", "DeliverySettings"]),
    cmd("deliver_now", None, "DeliveryOverview", &["DeliveryOverview"]),
    cmd("release_held_bundles", None, "DeliveryOverview", &["DeliveryOverview"]),
    cmd("centre_overview", None, "CentreOverview | null", &["CentreOverview"]),
    cmd("centre_import_now", None, "CentreOverview | null", &["CentreOverview"]),
    cmd("centre_devices", None, "Array<EnrolledDevice>", &["EnrolledDevice"]),
    cmd("centre_enrol_device", Some("CentreEnrolRequest"), "CentreEnrolResult", &["CentreEnrolRequest", "CentreEnrolResult"]),
];

/// The TypeScript of the command table.
pub fn commands_ts() -> String {
    let mut types: Vec<&str> = COMMANDS.iter().flat_map(|c| c.types.iter().copied()).collect();
    types.sort_unstable();
    types.dedup();
    let mut out =
        String::from("// Generated from src-tauri/src/ipc/contract.rs by `cargo test`. Do not edit.\nimport { invoke } from \"@tauri-apps/api/core\";\n");
    for t in &types {
        out.push_str(&format!("import type {{ {t} }} from \"./{t}\";\n"));
    }
    out.push_str("\nexport const commands = {\n");
    for c in COMMANDS {
        match c.request {
            Some(r) => out.push_str(&format!("  {}: (req: {r}) => invoke<{}>(\"{}\", {{ req }}),\n", c.name, c.response, c.name)),
            None => out.push_str(&format!("  {}: () => invoke<{}>(\"{}\"),\n", c.name, c.response, c.name)),
        }
    }
    out.push_str("};\n");
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
