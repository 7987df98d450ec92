// Dates as people type them: 和暦 (R7.4.1, 令和7年4月1日, 令和元年5月1日, H31.4.30, S50.10.10) or
// 西暦 (2025/4/1, 2025-04-01, 2025年4月1日), in full or half width. The same cases as the core's
// parser (`domain/wareki.rs`) are checked against both, from one table (`date_inputs.json`).
// The screen parses as the user types; the store parses again and is the judge.

import { wareki } from "./format";

/** The eras: name, initial, and first day (inclusive). Newest first. */
const ERAS: { name: string; initial: string; start: [number, number, number] }[] = [
  { name: "令和", initial: "R", start: [2019, 5, 1] },
  { name: "平成", initial: "H", start: [1989, 1, 8] },
  { name: "昭和", initial: "S", start: [1926, 12, 25] },
  { name: "大正", initial: "T", start: [1912, 7, 30] },
  { name: "明治", initial: "M", start: [1868, 10, 23] },
];

export type ParsedDate = { iso: string } | { error: string };

const FORMAT_HINT = "R7.4.1、令和7年4月1日、2025/4/1 のように入力してください。";

/** Full-width digits, letters and punctuation to ASCII (what NFKC does for these). */
function fold(input: string): string {
  return input.normalize("NFKC").replace(/[\s・]/g, "");
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function valid(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days && y >= 1 && y <= 9999;
}

function key(y: number, m: number, d: number): number {
  return y * 10000 + m * 100 + d;
}

/** "7.4.1", "7/4/1", "7-4-1", "7年4月1日" → [7, 4, 1]; null when anything else is in it. */
function numbers(s: string): number[] | null {
  const m = /^(\d+|元)(?:[./-]|年)(\d+)(?:[./-]|月)(\d+)日?$/.exec(s);
  if (!m) return null;
  return [m[1] === "元" ? 1 : Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Parse one typed date. Empty input is an error; callers treat empty as "no date". */
export function parseDate(input: string): ParsedDate {
  const s = fold(input);
  if (s === "") return { error: `日付を読み取れません。${FORMAT_HINT}` };
  // 令和7.4.1, R7.4.1, r7.4.1, 令7.4.1.
  const era = ERAS.find((e) => s.startsWith(e.name) || s.toUpperCase().startsWith(e.initial) || s.startsWith(e.name[0]));
  if (era) {
    const rest = s.startsWith(era.name) ? s.slice(era.name.length) : s.slice(1);
    const n = numbers(rest);
    if (!n) return { error: `日付を読み取れません。${FORMAT_HINT}` };
    const [ey, m, d] = n;
    if (ey < 1) return { error: `日付を読み取れません。${FORMAT_HINT}` };
    const y = era.start[0] + ey - 1;
    if (!valid(y, m, d)) return { error: `存在しない日付です（${era.name}${ey}年${m}月${d}日）。月と日を確かめてください。` };
    const k = key(y, m, d);
    const start = key(...era.start);
    const next = ERAS[ERAS.indexOf(era) - 1];
    if (k < start || (next && k >= key(...next.start))) {
      return { error: `${era.name}の期間外の日付です。元号と年を確かめてください。` };
    }
    return { iso: `${y}-${pad(m)}-${pad(d)}` };
  }
  const w = /^(\d{4})(?:[./-]|年)(\d{1,2})(?:[./-]|月)(\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!w) return { error: `日付を読み取れません。${FORMAT_HINT}` };
  const [y, m, d] = [Number(w[1]), Number(w[2]), Number(w[3])];
  if (!valid(y, m, d)) return { error: `存在しない日付です（${y}年${m}月${d}日）。月と日を確かめてください。` };
  return { iso: `${y}-${pad(m)}-${pad(d)}` };
}

/** Both readings of a date, for the line under a date field: 「令和7年4月1日（2025/4/1）」. */
export function bothReadings(iso: string | null | undefined): string {
  if (!iso) return "";
  const [y, m, d] = iso.split("-").map(Number);
  return `${wareki(iso)}（${y}/${m}/${d}）`;
}
