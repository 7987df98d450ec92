// Generated from src-tauri/src/ipc.rs by `cargo test`. Do not edit.
import { invoke } from "@tauri-apps/api/core";
import type { AppStatus } from "./AppStatus";
import type { CreateStoreRequest } from "./CreateStoreRequest";
import type { CreateStoreResponse } from "./CreateStoreResponse";
import type { EligibilityFinding } from "./EligibilityFinding";
import type { EntityRow } from "./EntityRow";
import type { HomeData } from "./HomeData";
import type { IdRequest } from "./IdRequest";
import type { Profile } from "./Profile";
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
  home: () => invoke<HomeData>("home"),
  search_workplaces: (req: SearchRequest) => invoke<Array<EntityRow<Workplace>>>("search_workplaces", { req }),
  search_workers: (req: SearchRequest) => invoke<Array<EntityRow<Worker>>>("search_workers", { req }),
  get_workplace: (req: IdRequest) => invoke<EntityRow<Workplace>>("get_workplace", { req }),
  save_workplace: (req: SaveWorkplaceRequest) => invoke<string>("save_workplace", { req }),
  check_eligibility: (req: Workplace) => invoke<Array<EligibilityFinding>>("check_eligibility", { req }),
  save_worker: (req: SaveWorkerRequest) => invoke<string>("save_worker", { req }),
};
