// The app runs with Tauri's `freezePrototype` (tauri.conf.json): Object.prototype is frozen
// before any script runs, and a library that assigns `constructor` or `toString` to an object
// it made throws as it loads, leaving a blank window. d3-scale does (through d3-color). This
// test loads every runtime dependency of the UI the same way, in a fresh Node, so that one that
// cannot run in the window fails here and not only in the end-to-end tests (ADR 0035).
import { describe, expect, it } from "vitest";
import pkg from "../../package.json";

// Node's modules, untyped: the UI's TypeScript has no Node types, and needs none but these.
type ExecFileSync = (file: string, args: string[], options: { encoding: "utf8"; stdio: "pipe" }) => string;
const { execFileSync } = (await import(/* @vite-ignore */ `node:${"child_process"}`)) as { execFileSync: ExecFileSync };
const node = (globalThis as unknown as { process: { execPath: string } }).process.execPath;

const runtime = Object.keys((pkg as { dependencies?: Record<string, string> }).dependencies ?? {});
/** The module the app imports of a dependency, where it is not the package's main one. */
const ENTRY: Record<string, string> = {
  // The legacy build, with its polyfills (pdfView.ts, ADR 0036); also what Node 20 can load.
  "pdfjs-dist": "pdfjs-dist/legacy/build/pdf.mjs",
};

/** Run `body` as an ES module (strict) after freezing Object.prototype; what it printed, or the error. */
function frozen(body: string): string {
  const script = `Object.freeze(Object.prototype); try { ${body} } catch (e) { console.log(String(e.message)); }`;
  return execFileSync(node, ["--input-type=module", "-e", script], { encoding: "utf8", stdio: "pipe" }).trim();
}

describe("runtime dependencies under a frozen Object.prototype", () => {
  it("has some to check", () => {
    expect(runtime).toContain("d3-array");
    expect(runtime).toContain("pdfjs-dist");
  });

  it.each(runtime)("%s loads", (name) => {
    expect(frozen(`await import(${JSON.stringify(ENTRY[name] ?? name)}); console.log("ok");`)).toBe("ok");
  });

  it("catches what d3-color does as it loads", () => {
    expect(frozen(`function C() {} C.prototype = Object.create({}); C.prototype.constructor = C; console.log("ok");`)).toMatch(/read only property 'constructor'/);
  });
});
