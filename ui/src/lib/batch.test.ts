import { describe, expect, it } from "vitest";
import type { BatchReport } from "../bindings/BatchReport";
import { advance, folderOf, progressText, summary, writtenPlace } from "./batch";

const report = (r: Partial<BatchReport>): BatchReport => ({
  form: "opinion",
  selected: 3,
  printed: 3,
  skipped_drafts: 0,
  cancelled: false,
  files: [],
  pages: 0,
  bytes: 0n,
  ...r,
});

describe("advance", () => {
  it("never goes back when events arrive out of order", () => {
    let p = advance(null, { done: 1, total: 4 });
    p = advance(p, { done: 3, total: 4 });
    p = advance(p, { done: 2, total: 4 });
    expect(p).toEqual({ done: 3, total: 4 });
  });

  it("starts again for a new batch", () => {
    expect(advance({ done: 4, total: 4 }, { done: 1, total: 9 })).toEqual({ done: 1, total: 9 });
  });
});

describe("progressText", () => {
  it("groups thousands", () => {
    expect(progressText({ done: 123, total: 1000 })).toBe("123 / 1,000 件");
  });
});

describe("where the batch wrote", () => {
  it("is the merged file, or the files' folder", () => {
    expect(writtenPlace(report({ files: ["/out/まとめ.pdf"] }), "merged")).toBe("/out/まとめ.pdf");
    expect(writtenPlace(report({ files: ["/data/print-spool/ab_意見書.pdf"] }), "print")).toBe("/data/print-spool/ab_意見書.pdf");
    expect(writtenPlace(report({ files: ["/out/意見書/a.pdf", "/out/意見書/b.pdf"] }), "folder")).toBe("/out/意見書");
    expect(folderOf("C:\\out\\意見書\\a.pdf")).toBe("C:\\out\\意見書");
    expect(writtenPlace(report({ files: [] }), "folder")).toBeNull();
  });
});

describe("summary", () => {
  it("says how many and how big a merged file is", () => {
    const lines = summary(report({ printed: 1000, pages: 1000, bytes: 25n * 1024n * 1024n, skipped_drafts: 2 }), "merged", "令和7年度");
    expect(lines[0]).toBe("令和7年度の意見書 1,000 件を1つのPDF（1,000 ページ、25.0 MB）にまとめて保存しました。");
    expect(lines[1]).toContain("下書き 2 件は印刷していません");
  });

  it("says a print is to be opened, and is gone at lock", () => {
    const lines = summary(report({ printed: 3, pages: 3, bytes: 150n * 1024n }), "print", "令和7年度");
    expect(lines[0]).toContain("印刷用の1つのPDF（3 ページ、150 KB）");
    expect(lines[0]).toContain("ロックすると削除されます");
  });

  it("says a cancelled merge left no file, and nothing of drafts", () => {
    for (const output of ["print", "merged"] as const) {
      const lines = summary(report({ cancelled: true, printed: 0, skipped_drafts: 4 }), output, "令和7年度");
      expect(lines).toEqual(["中止しました。まとめたPDFは作成していません（途中までのファイルも残っていません）。"]);
    }
  });

  it("says a cancelled folder keeps only complete files", () => {
    expect(summary(report({ cancelled: true, printed: 12 }), "folder", "令和7年度")[0]).toContain("完成した 12 件のPDFが残っています");
    expect(summary(report({ cancelled: true, printed: 0 }), "folder", "令和7年度")[0]).toBe("中止しました。ファイルは作成していません。");
  });
});
