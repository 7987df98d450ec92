import { describe, expect, it } from "vitest";
import { Latest } from "./latest";
import { deferred } from "../test/deferred";

describe("Latest", () => {
  it("drops a slow first answer that arrives after a fast second one", async () => {
    const shown: string[] = [];
    const latest = new Latest<string>((a) => shown.push(a));
    const first = deferred<string>();
    const second = deferred<string>();
    const sentFirst = latest.send(() => first.promise);
    const sentSecond = latest.send(() => second.promise);
    second.resolve("second");
    await sentSecond;
    first.resolve("first");
    await sentFirst;
    expect(shown).toEqual(["second"]);
  });

  it("shows an answer to the newest request sent, whatever came before", async () => {
    const shown: number[] = [];
    const latest = new Latest<number>((a) => shown.push(a));
    await latest.send(async () => 1);
    await latest.send(async () => 2);
    expect(shown).toEqual([1, 2]);
  });

  it("drops an answer to an older request even when the newer one failed", async () => {
    const shown: string[] = [];
    const latest = new Latest<string>((a) => shown.push(a));
    const first = deferred<string>();
    const sentFirst = latest.send(() => first.promise);
    await latest.send(() => Promise.reject(new Error("locked")));
    first.resolve("stale");
    await sentFirst;
    expect(shown).toEqual([]);
  });

  it("drops every answer still to come once cancelled", async () => {
    const shown: string[] = [];
    const latest = new Latest<string>((a) => shown.push(a));
    const pending = deferred<string>();
    const sent = latest.send(() => pending.promise);
    latest.cancel();
    pending.resolve("late");
    await sent;
    expect(shown).toEqual([]);
  });
});
