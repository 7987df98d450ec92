import { describe, expect, it } from "vitest";
import { bands, linear } from "./chartScale";

describe("linear", () => {
  it("runs from zero to a round top, upwards on the screen", () => {
    const y = linear(129.6, [210, 16]);
    expect(y.top).toBe(140);
    expect(y.ticks).toEqual([0, 20, 40, 60, 80, 100, 120, 140]);
    expect(y(0)).toBe(210);
    expect(y(140)).toBe(16);
    expect(y(70)).toBe(113);
  });

  it("draws an empty chart rather than dividing by zero", () => {
    const y = linear(0, [100, 0]);
    expect(Number.isFinite(y(0))).toBe(true);
  });
});

describe("bands", () => {
  it("puts n bands with gaps across the range, the outer gaps half the inner", () => {
    const b = bands(6, [0, 600], 0.25);
    expect(b.step).toBe(100);
    expect(b.width).toBe(75);
    expect(b.x(0)).toBe(12.5);
    expect(b.x(5) + b.width).toBe(587.5);
  });
});
