import { parsePostgresUrl } from "../../config/index.ts";
import { StorageError } from "../../errors/index.ts";
import type { ConnectTarget } from "./connect-with-retry.ts";

/**
 * What error messages may say about where the database is: host, port, database and user,
 * never the password (which is also collected so it can be cut from driver messages).
 */
export function describeTarget(url: string): ConnectTarget {
  const result = parsePostgresUrl(url);
  if (!result.ok) {
    throw new StorageError(
      result.problem === "syntax"
        ? "The PostgreSQL URL does not parse (expected postgres://user@host:port/database)"
        : "The PostgreSQL URL must start with postgres:// or postgresql://",
      { code: "INVALID_URL" },
    );
  }
  const { url: parsed, hosts } = result;
  const password = safeDecode(parsed.password);
  const host =
    hosts.length > 1 ? hosts.join(",") : parsed.hostname || parsed.searchParams.get("host") || "localhost";
  const port = hosts.length > 1 ? "" : `:${parsed.port || "5432"}`;
  const database = safeDecode(parsed.pathname.replace(/^\//, "")) || "(default database)";
  const user = safeDecode(parsed.username);
  const secrets = [password, parsed.password].filter((s) => s.length > 0);
  return { where: `${host}${port}/${database}${user ? ` as ${user}` : ""}`, secrets };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
