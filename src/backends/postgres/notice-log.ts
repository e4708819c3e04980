import { getLogger } from "../../log/index.ts";
import type { DriverNotice } from "./driver-types.ts";

/*
 * The driver prints server NOTICEs with console.log unless told otherwise; in a service that
 * is noise on stdout (every `CREATE TABLE IF NOT EXISTS` on a migrated database says "already
 * exists"). They go to the log at debug level instead (MALWAR_LOG_LEVEL=debug shows them).
 */

export type NoticeHandler = (notice: DriverNotice) => void;

export const logNoticeToDebug: NoticeHandler = (notice) => {
  const log = getLogger();
  if (!log.isLevelEnabled("debug")) return;
  log.debug(
    { component: "postgres", severity: notice.severity ?? "NOTICE", sqlstate: notice.code ?? null },
    notice.message ?? "",
  );
};
