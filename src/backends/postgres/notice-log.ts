import type { DriverNotice } from "./driver-types.ts";

/*
 * The driver prints server NOTICEs with console.log unless told otherwise; in a service that
 * is noise on stdout (every `CREATE TABLE IF NOT EXISTS` on a migrated database says "already
 * exists"). They go to a debug log instead: stderr, only when MALWAR_DEBUG is set.
 */

export type NoticeHandler = (notice: DriverNotice) => void;

export function debugEnabled(env: Record<string, string | undefined> = process.env): boolean {
  const flag = env.MALWAR_DEBUG?.trim().toLowerCase();
  return flag !== undefined && flag !== "" && flag !== "0" && flag !== "false" && flag !== "no";
}

export const logNoticeToDebug: NoticeHandler = (notice) => {
  if (!debugEnabled()) return;
  process.stderr.write(
    `[malwar:postgres] ${notice.severity ?? "NOTICE"} ${notice.code ?? ""}: ${notice.message ?? ""}\n`,
  );
};
