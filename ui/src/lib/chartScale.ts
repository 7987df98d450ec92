// The two scales the charts need, over d3-array's ticks (ADR 0035): a linear scale from zero to
// a round top, and equal bands for months. d3-scale itself is not used: through d3-color it
// assigns to prototypes at load, which the app's frozen Object.prototype refuses.

import { nice, ticks } from "d3-array";

export type Linear = {
  (v: number): number;
  /** Round values for the axis, from zero to the top. */
  ticks: number[];
  top: number;
};

/** Zero to at least `max` (rounded up to a round number) onto `[bottom, top]` pixels. */
export function linear(max: number, [bottom, top]: [number, number], count = 5): Linear {
  const [, hi] = nice(0, max > 0 ? max : 1, count);
  const f = ((v: number) => bottom + ((top - bottom) * v) / hi) as Linear;
  f.ticks = ticks(0, hi, count);
  f.top = hi;
  return f;
}

export type Bands = { x: (i: number) => number; width: number; step: number };

/** `n` equal bands across `[left, right]`, with a gap between them of `gap` × the step. */
export function bands(n: number, [left, right]: [number, number], gap = 0.3): Bands {
  // d3's band scale with paddingInner = gap and paddingOuter = gap / 2.
  const step = (right - left) / Math.max(1, n);
  const width = step * (1 - gap);
  return { x: (i: number) => left + step * i + (step * gap) / 2, width, step };
}
