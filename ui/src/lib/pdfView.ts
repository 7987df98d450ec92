// Draws a PDF held in memory into the page with pdf.js (ADR 0036): each page as a canvas with its
// text layer (the text, transparent, where the page has it: selectable, and read back by the
// end-to-end tests). Nothing is fetched and nothing is written: the bytes come from the IPC
// answer, pdf.js parses them in its worker (a file of the app, served from 'self'), and the page
// draws the glyphs as outlines on the canvas (no font loading, no eval, no WebAssembly), so the
// strict CSP holds with only `worker-src 'self'` said aloud.
//
// pdf.js is loaded the first time a preview is drawn, as a chunk of its own. The legacy build: the
// webview (WebKitGTK, Safari on macOS) lacks some of what the modern build assumes
// (Map.prototype.getOrInsertComputed), which the legacy build brings as polyfills; it loads under
// the frozen Object.prototype (frozenPrototype.test.ts).

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
type Loaded = { lib: PdfJs; worker: InstanceType<PdfJs["PDFWorker"]> };

let loading: Promise<Loaded> | null = null;

/** pdf.js and its one worker, started once and kept: every draw's document is parsed there. */
async function pdfjs(): Promise<Loaded> {
  loading ??= (async () => {
    const [lib, worker] = await Promise.all([import("pdfjs-dist/legacy/build/pdf.mjs"), import("pdfjs-dist/legacy/build/pdf.worker.min.mjs?url")]);
    lib.GlobalWorkerOptions.workerSrc = worker.default;
    return { lib, worker: new lib.PDFWorker({ verbosity: 0 }) };
  })();
  return loading;
}

/** What a draw did: how many pages. */
export type Drawn = { pages: number };

/** The bytes of a base64 string. */
export function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Draw every page of `pdf` at `zoom` (1: 96 dpi, the paper's size on screen) into `target`,
 * replacing what it showed only once every page is ready (no blank flash while typing).
 * `current()` false at any await: a newer draw has begun, and this one stops without touching
 * `target`.
 */
export async function drawPdf(pdf: Uint8Array, target: HTMLElement, zoom: number, current: () => boolean): Promise<Drawn | null> {
  const { lib, worker } = await pdfjs();
  if (!current()) return null;
  const task = lib.getDocument({
    data: pdf,
    worker,
    useWorkerFetch: false,
    disableFontFace: true,
    useWasm: false,
    useSystemFonts: false,
    enableXfa: false,
    verbosity: 0,
  });
  try {
    const doc = await task.promise;
    const pages: HTMLElement[] = [];
    const ratio = window.devicePixelRatio || 1;
    for (let n = 1; n <= doc.numPages; n++) {
      if (!current()) return null;
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: zoom * (96 / 72) });
      const box = document.createElement("div");
      box.className = "pdf-page";
      box.dataset.page = String(n);
      box.style.width = `${Math.floor(viewport.width)}px`;
      box.style.height = `${Math.floor(viewport.height)}px`;
      // What pdf.js's text layer sizes itself and its spans by (as its viewer sets them).
      box.style.setProperty("--scale-factor", String(viewport.scale));
      box.style.setProperty("--user-unit", "1");
      box.style.setProperty("--total-scale-factor", "calc(var(--scale-factor) * var(--user-unit))");
      box.style.setProperty("--scale-round-x", "1px");
      box.style.setProperty("--scale-round-y", "1px");
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = `${Math.floor(viewport.width)}px`;
      canvas.style.height = `${Math.floor(viewport.height)}px`;
      canvas.setAttribute("aria-hidden", "true");
      box.append(canvas);
      await page.render({ canvas, viewport, transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0] }).promise;
      if (!current()) return null;
      const text = document.createElement("div");
      text.className = "textLayer";
      box.append(text);
      await new lib.TextLayer({ textContentSource: page.streamTextContent(), container: text, viewport }).render();
      pages.push(box);
      page.cleanup();
    }
    if (!current()) return null;
    target.replaceChildren(...pages);
    return { pages: doc.numPages };
  } finally {
    void task.destroy();
  }
}

/**
 * Whether a line of the paper's text shows (part of) `value`, the text of the field being edited:
 * the line is in the value (a long value wraps over several lines) or holds it. Blanks are
 * ignored (the form spaces its boxes); a value of fewer than two characters marks nothing (it
 * would match everywhere).
 */
export function showsValue(line: string, value: string): boolean {
  const l = line.replace(/\s+/g, "");
  const v = value.replace(/\s+/g, "");
  if (v.length < 2 || l.length < 2) return false;
  return v.includes(l) || l.includes(v);
}

/** Mark (class `editing`) the text of the paper that shows `value`; unmark the rest. */
export function markEditing(paper: HTMLElement, value: string): void {
  for (const span of paper.querySelectorAll<HTMLElement>(".textLayer span")) {
    span.classList.toggle("editing", showsValue(span.textContent ?? "", value));
  }
}
