// The live preview's timing: a draw waits until the typing stops (`idle` ms after the last
// change), only the newest draw may paint (an older one still running when the content changed
// again is dropped, at whatever step it is: asking Rust, or drawing with pdf.js), and the time
// from the last change to the painted preview is measured, so the app can say it.

import type { FormKind } from "../bindings/FormKind";
import type { RecordKind } from "../bindings/RecordKind";

/** How long the typing must stop before the preview is drawn again. */
export const PREVIEW_IDLE_MS = 200;

/** The forms a record of each kind prints, the first shown by default; a kind with none has no preview. */
export const PREVIEW_FORMS: Partial<Record<RecordKind, FormKind[]>> = {
  interview: ["opinion", "work-status", "request"],
  consultation: ["consultation-record"],
  application: ["application"],
  visit: ["visit-report"],
};

export type PreviewTiming = {
  /** From the last change to the preview painted, in ms. */
  sinceChange: number;
  /** Of which: the PDF made in Rust (IPC included). */
  render: number;
  /** Of which: drawn by pdf.js into the page. */
  paint: number;
};

export type PreviewSteps<T, R> = {
  /** Make the PDF of `input` (the IPC call). */
  render: (input: T) => Promise<R>;
  /** Draw it; `current()` turns false once a newer draw has begun (stop, touch nothing). */
  paint: (result: R, current: () => boolean) => Promise<boolean>;
  /** The newest draw is on screen. */
  painted: (timing: PreviewTiming) => void;
  /** The newest draw could not be made (its message is shown instead; the last paper stays). */
  failed: (error: unknown) => void;
  /** A draw begins (after the idle time). */
  started?: () => void;
  now?: () => number;
  idle?: number;
};

export class PreviewScheduler<T, R> {
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastChange = 0;
  private readonly now: () => number;
  private readonly idle: number;

  constructor(private readonly steps: PreviewSteps<T, R>) {
    this.now = steps.now ?? (() => performance.now());
    this.idle = steps.idle ?? PREVIEW_IDLE_MS;
  }

  /** The content changed: draw it once the typing has stopped for the idle time. */
  change(input: T): void {
    this.lastChange = this.now();
    this.seq++;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run(input);
    }, this.idle);
  }

  /** Draw `input` now (a new form or zoom chosen: nothing is being typed). */
  redraw(input: T): void {
    this.lastChange = this.now();
    this.seq++;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    void this.run(input);
  }

  /** Drop the draw to come and any still running (the screen is going). */
  dispose(): void {
    this.seq++;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private async run(input: T): Promise<void> {
    const mine = ++this.seq;
    const current = () => mine === this.seq;
    const since = this.lastChange;
    this.steps.started?.();
    const t0 = this.now();
    let result: R;
    try {
      result = await this.steps.render(input);
    } catch (e) {
      if (current()) this.steps.failed(e);
      return;
    }
    if (!current()) return;
    const t1 = this.now();
    let drawn: boolean;
    try {
      drawn = await this.steps.paint(result, current);
    } catch (e) {
      if (current()) this.steps.failed(e);
      return;
    }
    if (!drawn || !current()) return;
    const t2 = this.now();
    this.steps.painted({ sinceChange: t2 - since, render: t1 - t0, paint: t2 - t1 });
  }
}
