import { describe, expect, it } from "vitest";
import { wareki } from "./format";

describe("wareki", () => {
  it.each([
    ["2025-04-01", "令和7年4月1日"],
    ["2019-05-01", "令和元年5月1日"],
    ["2019-04-30", "平成31年4月30日"],
    ["1989-01-07", "昭和64年1月7日"],
    ["", ""],
  ])("%s → %s", (iso, want) => {
    expect(wareki(iso)).toBe(want);
  });
});
