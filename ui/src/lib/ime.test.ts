import { describe, expect, it } from "vitest";
import { IME_GRACE_MS, isImeEnter, newImeState, onCompositionEnd, onCompositionStart } from "./ime";

describe("Enter during IME composition", () => {
  it("does not submit while composing", () => {
    const s = newImeState();
    onCompositionStart(s);
    expect(isImeEnter({ key: "Enter", isComposing: true }, s, 10)).toBe(true);
  });

  it("does not submit on WebKit's Enter that arrives just after compositionend", () => {
    const s = newImeState();
    onCompositionStart(s);
    onCompositionEnd(s, 100);
    // WebKit: isComposing is already false, keyCode may be 13.
    expect(isImeEnter({ key: "Enter", isComposing: false, keyCode: 13 }, s, 100 + 5)).toBe(true);
  });

  it("does not submit on keyCode 229", () => {
    expect(isImeEnter({ key: "Enter", keyCode: 229 }, newImeState(), 0)).toBe(true);
  });

  it("submits on a plain Enter", () => {
    const s = newImeState();
    onCompositionStart(s);
    onCompositionEnd(s, 100);
    expect(isImeEnter({ key: "Enter", keyCode: 13 }, s, 100 + IME_GRACE_MS + 1)).toBe(false);
    expect(isImeEnter({ key: "Enter", keyCode: 13 }, newImeState(), 0)).toBe(false);
  });

  it("ignores other keys", () => {
    expect(isImeEnter({ key: "a", isComposing: true }, newImeState(), 0)).toBe(false);
  });
});
