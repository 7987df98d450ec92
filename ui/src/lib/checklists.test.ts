import { describe, expect, it } from "vitest";
import { wholeNumber, withAnswer } from "./checklists";

describe("checklist answers", () => {
  it("grow to the sheet's length on the first answer", () => {
    expect(withAnswer([], 3, 1, 2)).toEqual([null, 2, null]);
  });
  it("replace one answer and keep the others", () => {
    expect(withAnswer([0, 1, 2], 3, 0, 1)).toEqual([1, 1, 2]);
  });
  it("become empty when the last answer is cleared", () => {
    expect(withAnswer([null, 2, null], 3, 1, null)).toEqual([]);
  });
});

describe("totals typed on paper", () => {
  it("accept full-width digits and a trailing 点", () => {
    expect(wholeNumber("１２点")).toBe(12);
    expect(wholeNumber(" 7 ")).toBe(7);
  });
  it("refuse what is not a whole number", () => {
    expect(wholeNumber("")).toBeNull();
    expect(wholeNumber("3.5")).toBeNull();
    expect(wholeNumber("-1")).toBeNull();
  });
});
