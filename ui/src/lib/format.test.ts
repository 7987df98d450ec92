import { describe, expect, it } from "vitest";
import { bundleLabel, count, fiscalYearLabel, wareki } from "./format";

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

describe("bundleLabel", () => {
  const device = "01a20318-2b0b-758a-92e8-e7d837a8b865";
  it("reads names with and without the hash", () => {
    expect(bundleLabel(`${device}-00000012-94d7e4a935b7c4b6.chisanpo-bundle`)).toBe("配送ファイル 12");
    expect(bundleLabel(`${device}-00000003.chisanpo-bundle`)).toBe("配送ファイル 3");
    expect(bundleLabel(`${device}-00000001-94d7e4a935b7c4b6.chisanpo-bundle`, true)).toBe("配送ファイル 1（端末 01a20318…）");
  });
  it("shows any other name as it is", () => {
    expect(bundleLabel("tampered.chisanpo-bundle", true)).toBe("tampered.chisanpo-bundle");
  });
});

describe("fiscalYearLabel", () => {
  it.each([
    [2025, "令和7年度"],
    [2019, "令和元年度"],
    [2018, "平成30年度"],
    [1988, "昭和63年度"],
    [1989, "平成元年度"],
  ])("%s → %s", (fy, want) => {
    expect(fiscalYearLabel(fy)).toBe(want);
  });

  it("says nothing for a year not yet typed", () => {
    expect(fiscalYearLabel(Number.NaN)).toBe("");
  });
});

describe("count", () => {
  it("groups thousands", () => {
    expect(count(1000)).toBe("1,000");
    expect(count(12)).toBe("12");
  });
});
