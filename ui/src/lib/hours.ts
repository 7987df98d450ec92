// Hours as people type them: 80, 80.5, ８０, 80時間, 80h, 80:30 (h:mm). The screen sends numbers;
// the store checks them again against the calendar of the period.

export type ParsedHours = { hours: number } | { error: string } | { empty: true };

/** Parse hours typed in a field. `field` names it in the error. */
export function parseHours(input: string, field = "時間"): ParsedHours {
  const s = input.normalize("NFKC").replace(/\s/g, "").replace(/(時間|hours?|h)$/i, "");
  if (s === "") return { empty: true };
  const hm = /^(\d+):([0-5]\d)$/.exec(s);
  // Minutes are kept (to a few seconds): 80:01 is over 80, and the core prints it 80.1.
  if (hm) return { hours: Math.round((Number(hm[1]) + Number(hm[2]) / 60) * 10000) / 10000 };
  if (!/^\d+(\.\d+)?$/.test(s)) return { error: `${field}は 80 や 80.5、80:30 のように数字で入力してください。` };
  const h = Number(s);
  if (h > 744) return { error: `${field}が1か月の時間数を超えています。月あたりの時間で入力してください。` };
  return { hours: Math.round(h * 100) / 100 };
}

/** A number of hours as typed back into its field: no decimals, one, or two when it has them. */
export function formatHours(h: number | null | undefined): string {
  if (h === null || h === undefined) return "";
  if (Number.isInteger(h)) return String(h);
  return Math.abs(h * 10 - Math.round(h * 10)) < 1e-9 ? h.toFixed(1) : h.toFixed(2);
}
