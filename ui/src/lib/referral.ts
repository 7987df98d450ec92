// What the referral screens compute from the core's rows, kept out of the components so that it is
// tested on its own.
import type { ReferralRow } from "../bindings/ReferralRow";
import { REFERRAL_OUTCOME_LABELS } from "../bindings/labels";

/** The state of a referral as one short phrase: its outcome, or how long it has waited. */
export function referralState(r: ReferralRow): string {
  if (r.status === "draft") return "下書き";
  if (r.outcome) return REFERRAL_OUTCOME_LABELS[r.outcome];
  if (r.days_waiting === null) return "結果未確認";
  return r.awaiting ? `結果未確認（${r.days_waiting}日経過）` : `結果待ち（${r.days_waiting}日目）`;
}

/** The directory's search as the screens send it: every part optional. */
export function directoryQuery(text: string, kind: string, area: string) {
  return { text: text.trim(), kind: kind === "" ? null : (kind as import("../bindings/BodyKind").BodyKind), area: area.trim() };
}
