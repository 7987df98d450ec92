// The typed IPC surface. The command table and every type come from Rust (ts-rs); this file
// only turns the error into one the screens can show.
import { commands } from "../bindings/commands";
import type { ErrorDto } from "../bindings/ErrorDto";

export { commands };

/** The error a command rejected with, always with a Japanese message. */
export function errorOf(e: unknown): ErrorDto {
  if (e && typeof e === "object" && "message" in e && "code" in e) return e as ErrorDto;
  return { code: "internal", message: `予期しないエラーです: ${String(e)}`, violations: [] };
}
