// Drafts save as the user types, at most once a second, and at once when asked (before a lock,
// when leaving the screen, when the window closes). Only the latest content is ever sent; a save
// in flight is never overtaken by an older one.

export type SaveState = { kind: "idle" } | { kind: "pending" } | { kind: "saving" } | { kind: "saved"; at: Date } | { kind: "error"; message: string };

export class Autosaver<T> {
  private latest: T | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<void> | null = null;
  private lastStart = -Infinity;
  private lastError: unknown = null;

  constructor(
    private readonly save: (value: T) => Promise<void>,
    private readonly onState: (s: SaveState) => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The content changed: save it within the interval. */
  change(value: T): void {
    this.latest = value;
    this.onState({ kind: "pending" });
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastStart + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, wait);
  }

  /**
   * Save what is pending now, and wait until everything is saved. Rejects when the save failed,
   * so a caller about to close, finalise or convert stops instead of acting on stale content.
   */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    await this.run();
    if (this.latest !== null) throw this.lastError ?? { code: "internal", message: "下書きを保存できませんでした。", violations: [] };
  }

  /** What was typed and not yet saved (after a failed save, until the next one succeeds). */
  get unsaved(): T | null {
    return this.latest;
  }

  /** True while something typed is not yet saved. */
  get dirty(): boolean {
    return this.latest !== null || this.inFlight !== null;
  }

  private async run(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    const value = this.latest;
    if (value === null) return;
    this.latest = null;
    this.lastStart = this.now();
    this.onState({ kind: "saving" });
    this.inFlight = this.save(value)
      .then(() => this.onState(this.latest === null ? { kind: "saved", at: new Date(this.now()) } : { kind: "pending" }))
      .catch((e: unknown) => {
        this.lastError = e;
        // Keep the content so the next change or flush tries again.
        if (this.latest === null) this.latest = value;
        const message = e && typeof e === "object" && "message" in e ? String((e as { message: unknown }).message) : String(e);
        this.onState({ kind: "error", message });
      })
      .finally(() => {
        this.inFlight = null;
      });
    await this.inFlight;
  }
}
