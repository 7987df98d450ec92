// Display helpers. Dates arrive as ISO strings and are shown in 和暦 with 西暦 beside.

const ERAS: [string, number, number, number][] = [
  ["令和", 2019, 5, 1],
  ["平成", 1989, 1, 8],
  ["昭和", 1926, 12, 25],
  ["大正", 1912, 7, 30],
  ["明治", 1868, 10, 23],
];

/** `2025-04-01` → `令和7年4月1日`. */
export function wareki(iso: string | null | undefined): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const key = y * 10000 + mo * 100 + d;
  for (const [name, ey, em, ed] of ERAS) {
    if (key >= ey * 10000 + em * 100 + ed) {
      const n = y - ey + 1;
      return `${name}${n === 1 ? "元" : n}年${mo}月${d}日`;
    }
  }
  return `${y}年${mo}月${d}日`;
}

/**
 * `2025` → `令和7年度`, as the forms and reports name a fiscal year (April to March). A year that
 * straddles a change of era takes the new era's name (FY2019 is 令和元年度), as in Rust
 * (`wareki::format_fiscal_year`).
 */
export function fiscalYearLabel(fy: number): string {
  if (!Number.isInteger(fy)) return "";
  const eraOf = (key: number) => ERAS.find(([, ey, em, ed]) => key >= ey * 10000 + em * 100 + ed);
  let era = eraOf((fy + 1) * 10000 + 331);
  if (era && fy - era[1] + 1 < 1) era = eraOf(fy * 10000 + 401);
  if (!era) return `${fy}年度`;
  const n = fy - era[1] + 1;
  return `${era[0]}${n === 1 ? "元" : n}年度`;
}

/** A count as people read it: `1000` → `1,000`. */
export function count(n: number): string {
  return n.toLocaleString("ja-JP");
}

/** A timestamp (RFC 3339, UTC) in local time, `2025/04/01 09:30`. */
export function localTime(ts: string): string {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * A delivery bundle's file name as people read it: `<device>-<seq>-<hash>.chisanpo-bundle` (or
 * the older `<device>-<seq>.chisanpo-bundle`) → `配送ファイル 12`, with the device's first 8
 * characters when `withDevice` (the centre's lists). Any other name is shown as it is.
 */
export function bundleLabel(name: string, withDevice = false): string {
  const m = /^([0-9a-f-]{36})-(\d{8})(?:-[0-9a-f]{16})?\.chisanpo-bundle$/.exec(name);
  if (!m) return name;
  const label = `配送ファイル ${Number(m[2])}`;
  return withDevice ? `${label}（端末 ${m[1].slice(0, 8)}…）` : label;
}
