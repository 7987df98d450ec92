// The visit screen's small rules, kept out of the component so that they are tested.
import type { FindingFollowUp } from "../bindings/FindingFollowUp";
import type { ImprovementStatus } from "../bindings/ImprovementStatus";

/** A finding named by its visit and its number on that visit's report. */
export function findingKey(visitId: string, no: number): string {
  return `${visitId}#${no}`;
}

/** What this visit records of an earlier finding, if anything. */
export function followUpOf(list: FindingFollowUp[], visitId: string, no: number): FindingFollowUp | undefined {
  return list.find((f) => f.visit_id === visitId && f.finding_no === no);
}

/**
 * Record (or, with a null status, forget) what became of an earlier finding. The other entries
 * keep their order; a new one goes last. Never two entries for one finding.
 */
export function setFollowUp(list: FindingFollowUp[], visitId: string, no: number, status: ImprovementStatus | null, note: string): FindingFollowUp[] {
  const rest = list.filter((f) => !(f.visit_id === visitId && f.finding_no === no));
  if (status === null) return rest;
  const at = list.findIndex((f) => f.visit_id === visitId && f.finding_no === no);
  const entry: FindingFollowUp = { visit_id: visitId, finding_no: no, status, note };
  if (at < 0) return [...rest, entry];
  return [...list.slice(0, at), entry, ...list.slice(at + 1)];
}

/** 良好な取組 as typed: one per line (empty lines kept while typing). */
export function linesOf(text: string): string[] {
  return text.split(/\r?\n/);
}

export function goodPracticesText(items: string[]): string {
  return items.join("\n");
}
