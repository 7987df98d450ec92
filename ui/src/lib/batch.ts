// The batch print screen's words and arithmetic, kept apart from the page so they are tested.
import type { BatchProgress } from "../bindings/BatchProgress";
import type { BatchReport } from "../bindings/BatchReport";
import { count } from "./format";

/** The event `print_batch` sends after each document (`batch_print::PROGRESS_EVENT` in Rust). */
export const PROGRESS_EVENT = "print-batch-progress";

/**
 * What the batch makes: for printing, one PDF in the app's private print folder (opened in the
 * viewer, removed at lock, as a single print); or saved where a dialog says, every record in one
 * PDF or one PDF per record in a folder (ADR 0017).
 */
export type Output = "print" | "merged" | "folder";

/**
 * The progress to show after an event. The documents are drawn on every core and each thread
 * reports its own, so events may arrive out of order: the bar never goes back.
 */
export function advance(shown: BatchProgress | null, next: BatchProgress): BatchProgress {
  if (!shown || next.total !== shown.total) return next;
  return next.done > shown.done ? next : shown;
}

/** `123 / 1,000 件`. */
export function progressText(p: BatchProgress): string {
  return `${count(p.done)} / ${count(p.total)} 件`;
}

/** The folder a file is in (either separator, so the screen is the same on every system). */
export function folderOf(file: string): string {
  const i = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\"));
  return i > 0 ? file.slice(0, i) : file;
}

/** Where the batch wrote: the merged file, or the folder of the files (null if nothing). */
export function writtenPlace(report: BatchReport, output: Output): string | null {
  const first = report.files[0];
  if (!first) return null;
  return output === "folder" ? folderOf(first) : first;
}

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/**
 * The summary of a finished or cancelled batch, in Japanese: how many, where, and what was left
 * (the core writes a merged file only once every document is drawn; a folder keeps the complete
 * files written before the cancel, never a partial one).
 */
export function summary(report: BatchReport, output: Output, yearLabel: string): string[] {
  const lines: string[] = [];
  const what = `${yearLabel}の意見書`;
  if (report.cancelled) {
    if (output !== "folder") {
      lines.push(`中止しました。まとめたPDFは作成していません（途中までのファイルも残っていません）。`);
    } else if (report.printed > 0) {
      lines.push(`中止しました。フォルダには、中止までに完成した ${count(report.printed)} 件のPDFが残っています（作りかけのファイルはありません）。残りを印刷するには、もう一度「印刷」を押してください。`);
    } else {
      lines.push(`中止しました。ファイルは作成していません。`);
    }
  } else if (output === "print") {
    lines.push(`${what} ${count(report.printed)} 件を印刷用の1つのPDF（${count(report.pages)} ページ、${size(Number(report.bytes))}）にまとめました。「PDFを開いて印刷」で開き、ビューアから印刷してください。このPDFはロックすると削除されます。`);
  } else if (output === "merged") {
    lines.push(`${what} ${count(report.printed)} 件を1つのPDF（${count(report.pages)} ページ、${size(Number(report.bytes))}）にまとめて保存しました。`);
  } else {
    lines.push(`${what} ${count(report.printed)} 件を、1件ずつのPDFとしてフォルダに保存しました（合計 ${size(Number(report.bytes))}）。`);
  }
  if (report.skipped_drafts > 0 && !report.cancelled) {
    lines.push(`確定していない下書き ${count(report.skipped_drafts)} 件は印刷していません。確定してから印刷してください。`);
  }
  return lines;
}
