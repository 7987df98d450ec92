// Entering a checklist's answers: the arrays are as long as the sheet's items, unanswered items
// are null, and a section whose answers are all cleared is empty (only its total counts).
import type { WorkerChecklist } from "../bindings/WorkerChecklist";
import type { FamilyChecklist } from "../bindings/FamilyChecklist";

export const blankWorker = (): WorkerChecklist => ({ symptoms: [], work: [], symptom_total: null, work_total: null });
export const blankFamily = (): FamilyChecklist => ({ symptoms: [], work_rest_count: null, score: null });

/** The answers with item `k` (of `n`) set to choice `choice`. */
export function withAnswer(answers: (number | null)[], n: number, k: number, choice: number | null): (number | null)[] {
  const out = answers.length === n ? [...answers] : Array.from({ length: n }, (_, i) => answers[i] ?? null);
  out[k] = choice;
  return out.every((a) => a === null) ? [] : out;
}

/** A whole number typed in any width (全角 too), or null when empty or not a number. */
export function wholeNumber(text: string): number | null {
  const t = text.normalize("NFKC").trim().replace(/点$|個$/, "");
  return t === "" || !/^\d+$/.test(t) ? null : Number(t);
}
