// The progress of a long command (a ledger export, the annual report, a backup or restore, a
// centre import, a worker or directory import), as the core reports it: the event the back end
// sends, and the arithmetic of the bar, apart from the page so that it is tested.
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { Operation } from "../bindings/Operation";
import type { OperationProgress } from "../bindings/OperationProgress";
import type { Step } from "../bindings/Step";
import { count } from "./format";

/** The event the long commands send (`ipc::progress::PROGRESS_EVENT` in Rust). */
export const PROGRESS_EVENT = "operation-progress";

/** The bar's width in per cent (0 while there is no measure yet, only the label). */
export function percent(s: Step): number {
  if (s.total <= 0) return 0;
  return Math.min(100, Math.floor((Math.min(s.done, s.total) * 100) / s.total));
}

/** `記録を読み込んでいます　1,234 / 5,000 件（24%）`, or the label alone. */
export function stepText(s: Step): string {
  if (s.total <= 0) return s.label;
  return `${s.label}　${count(s.done)} / ${count(s.total)}（${percent(s)}%）`;
}

/** Listen to the steps of one operation; returns the function that stops listening. */
export async function follow(operation: Operation, onStep: (s: Step) => void): Promise<UnlistenFn> {
  return listen<OperationProgress>(PROGRESS_EVENT, (ev) => {
    if (ev.payload.operation === operation) onStep(ev.payload.step);
  });
}

/**
 * Run `work` with the bar of `operation` following it: `onStep` gets each step while it runs,
 * and `null` at the end (the bar goes away whatever happened).
 */
export async function withProgress<T>(operation: Operation, onStep: (s: Step | null) => void, work: () => Promise<T>): Promise<T> {
  let stop: UnlistenFn | null = null;
  try {
    stop = await follow(operation, onStep).catch(() => null);
    return await work();
  } finally {
    stop?.();
    onStep(null);
  }
}
