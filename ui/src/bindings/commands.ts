// Generated from src-tauri/src/ipc/contract.rs by `cargo test`. Do not edit.
import { invoke } from "@tauri-apps/api/core";
import type { AnnualReport } from "./AnnualReport";
import type { AnnualRequest } from "./AnnualRequest";
import type { AppSettings } from "./AppSettings";
import type { AppStatus } from "./AppStatus";
import type { BackupInfo } from "./BackupInfo";
import type { BackupSettings } from "./BackupSettings";
import type { BackupSettingsRequest } from "./BackupSettingsRequest";
import type { ChangePassphraseRequest } from "./ChangePassphraseRequest";
import type { CreateStoreRequest } from "./CreateStoreRequest";
import type { CreateStoreResponse } from "./CreateStoreResponse";
import type { DestroyRequest } from "./DestroyRequest";
import type { DestructionReport } from "./DestructionReport";
import type { EligibilityFinding } from "./EligibilityFinding";
import type { EntityRow } from "./EntityRow";
import type { ExportLedgerRequest } from "./ExportLedgerRequest";
import type { ExportReport } from "./ExportReport";
import type { FeeExceptionRequest } from "./FeeExceptionRequest";
import type { FeeStatus } from "./FeeStatus";
import type { HomeData } from "./HomeData";
import type { IdRequest } from "./IdRequest";
import type { LedgerRequest } from "./LedgerRequest";
import type { LedgerView } from "./LedgerView";
import type { ListFilter } from "./ListFilter";
import type { PathRequest } from "./PathRequest";
import type { PaymentRequest } from "./PaymentRequest";
import type { PrintReport } from "./PrintReport";
import type { PrintRequest } from "./PrintRequest";
import type { Profile } from "./Profile";
import type { RecordSummary } from "./RecordSummary";
import type { RecordView } from "./RecordView";
import type { RecoverRequest } from "./RecoverRequest";
import type { RecoverySheetRequest } from "./RecoverySheetRequest";
import type { RestoreReport } from "./RestoreReport";
import type { RestoreRequest } from "./RestoreRequest";
import type { RetentionItem } from "./RetentionItem";
import type { SaveAsRequest } from "./SaveAsRequest";
import type { SaveWorkerRequest } from "./SaveWorkerRequest";
import type { SaveWorkplaceRequest } from "./SaveWorkplaceRequest";
import type { SearchRequest } from "./SearchRequest";
import type { UnlockRequest } from "./UnlockRequest";
import type { Worker } from "./Worker";
import type { Workplace } from "./Workplace";

export const commands = {
  app_status: () => invoke<AppStatus>("app_status"),
  create_store: (req: CreateStoreRequest) => invoke<CreateStoreResponse>("create_store", { req }),
  unlock: (req: UnlockRequest) => invoke<Profile>("unlock", { req }),
  lock: () => invoke<null>("lock"),
  recover: (req: RecoverRequest) => invoke<Profile>("recover", { req }),
  change_passphrase: (req: ChangePassphraseRequest) => invoke<null>("change_passphrase", { req }),
  home: () => invoke<HomeData>("home"),
  search_workplaces: (req: SearchRequest) => invoke<Array<EntityRow<Workplace>>>("search_workplaces", { req }),
  search_workers: (req: SearchRequest) => invoke<Array<EntityRow<Worker>>>("search_workers", { req }),
  get_workplace: (req: IdRequest) => invoke<EntityRow<Workplace>>("get_workplace", { req }),
  save_workplace: (req: SaveWorkplaceRequest) => invoke<string>("save_workplace", { req }),
  check_eligibility: (req: Workplace) => invoke<Array<EligibilityFinding>>("check_eligibility", { req }),
  save_worker: (req: SaveWorkerRequest) => invoke<string>("save_worker", { req }),
  backup_settings: () => invoke<BackupSettings>("backup_settings"),
  set_backup_settings: (req: BackupSettingsRequest) => invoke<BackupSettings>("set_backup_settings", { req }),
  backup_now: () => invoke<BackupInfo | null>("backup_now"),
  restore_backup: (req: RestoreRequest) => invoke<RestoreReport>("restore_backup", { req }),
  choose_folder: () => invoke<string | null>("choose_folder"),
  list_records: (req: ListFilter) => invoke<Array<RecordSummary>>("list_records", { req }),
  get_record: (req: IdRequest) => invoke<RecordView>("get_record", { req }),
  print_form: (req: PrintRequest) => invoke<PrintReport>("print_form", { req }),
  save_recovery_sheet: (req: RecoverySheetRequest) => invoke<string>("save_recovery_sheet", { req }),
  open_file: (req: PathRequest) => invoke<null>("open_file", { req }),
  choose_save_path: (req: SaveAsRequest) => invoke<string | null>("choose_save_path", { req }),
  app_settings: () => invoke<AppSettings>("app_settings"),
  set_app_settings: (req: AppSettings) => invoke<null>("set_app_settings", { req }),
  ledger: (req: LedgerRequest) => invoke<LedgerView>("ledger", { req }),
  export_ledger: (req: ExportLedgerRequest) => invoke<ExportReport>("export_ledger", { req }),
  annual_report: (req: AnnualRequest) => invoke<AnnualReport>("annual_report", { req }),
  export_annual_report: (req: AnnualRequest) => invoke<string>("export_annual_report", { req }),
  retention_due: () => invoke<Array<RetentionItem>>("retention_due"),
  destroy_records: (req: DestroyRequest) => invoke<DestructionReport>("destroy_records", { req }),
  fees_awaiting: () => invoke<Array<FeeStatus>>("fees_awaiting"),
  confirm_payment: (req: PaymentRequest) => invoke<FeeStatus>("confirm_payment", { req }),
  override_fee: (req: FeeExceptionRequest) => invoke<FeeStatus>("override_fee", { req }),
};
