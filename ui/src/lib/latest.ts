// Requests sent one after another (a check on every keystroke) can be answered out of order. Each
// request is numbered as it is sent, and only the answer to the newest one is passed on: a slow
// answer to an older request is dropped, so it never replaces what the newer content gave.

export class Latest<T> {
  private sent = 0;

  constructor(private readonly apply: (answer: T) => void) {}

  /**
   * Send a request; `apply` gets its answer only if no newer request was sent in the meantime.
   * A failed request is dropped too: the next change asks again.
   */
  async send(request: () => Promise<T>): Promise<void> {
    const mine = ++this.sent;
    let answer: T;
    try {
      answer = await request();
    } catch {
      return;
    }
    if (mine === this.sent) this.apply(answer);
  }

  /** Drop the answers to every request sent so far (the screen that asked is gone). */
  cancel(): void {
    this.sent++;
  }
}
