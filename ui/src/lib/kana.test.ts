import { describe, expect, it } from "vitest";
import { kanaKey, kanaMatches } from "./kana";

describe("kana matching", () => {
  it.each([
    ["すずき", "スズキ イチロウ"],
    ["ｽｽﾞｷ", "スズキ イチロウ"],
    ["スズキイチ", "スズキ イチロウ"],
    ["やまだ", "ヤマダセイサクショ"],
    ["ＡＢＣ", "abc商事"],
    ["abc", "ＡＢＣ商事"],
    ["鈴木", "鈴木 一郎"],
    ["", "何でも"],
  ])("%j finds %j", (q, name) => {
    expect(kanaMatches(q, name)).toBe(true);
  });

  it.each([
    ["たなか", "スズキ イチロウ"],
    ["ズキイ", "スズキ"],
  ])("%j does not find %j", (q, name) => {
    expect(kanaMatches(q, name)).toBe(false);
  });

  it("folds half-width voiced kana into one character", () => {
    expect(kanaKey("ｶﾞ")).toBe("ガ");
    expect(kanaKey("が")).toBe("ガ");
  });

  it("matches any of several texts (name or kana)", () => {
    expect(kanaMatches("さとう", "佐藤 花子", "サトウ ハナコ")).toBe(true);
  });
});
