/**
 * The one reading of a PostgreSQL URL: configuration checks it, the backend and the CLIs describe it.
 * The multi-host form postgres.js accepts (`postgres://u@h1:5432,h2:5433/db?target_session_attrs=…`)
 * is refused by WHATWG `URL`, so the host list is taken out first and handed back as `hosts`;
 * `url` then carries the first host with the user, password, database and query.
 */
export type PostgresUrl =
  | { ok: true; url: URL; hosts: string[] }
  | { ok: false; problem: "syntax" | "scheme" };

export function parsePostgresUrl(text: string): PostgresUrl {
  const split = splitHosts(text);
  if (split === null) return { ok: false, problem: "syntax" };
  let url: URL;
  try {
    url = new URL(split.single);
  } catch {
    return { ok: false, problem: "syntax" };
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") return { ok: false, problem: "scheme" };
  return { ok: true, url, hosts: split.hosts };
}

/** `host[:port]/database` for a closing or start-up line (never user or password); null if it does not parse. */
export function postgresLocation(text: string): string | null {
  const parsed = parsePostgresUrl(text);
  if (!parsed.ok) return null;
  const { url, hosts } = parsed;
  const where = hosts.length > 1 ? hosts.join(",") : `${url.hostname}${url.port ? `:${url.port}` : ""}`;
  return `${where}${url.pathname}`;
}

/** The URL with only its first host, and every `host[:port]` of the authority; null for a bad list. */
function splitHosts(text: string): { single: string; hosts: string[] } | null {
  const scheme = text.indexOf("://");
  if (scheme === -1) return { single: text, hosts: [] };
  const start = scheme + 3;
  const rest = text.slice(start);
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf("@");
  const list = authority.slice(at + 1);
  const hosts = list === "" ? [] : list.split(",");
  if (hosts.length > 1 && !hosts.every((h) => HOST_PORT.test(h))) return null;
  const single = `${text.slice(0, start)}${authority.slice(0, at + 1)}${hosts[0] ?? ""}${end === -1 ? "" : rest.slice(end)}`;
  return { single, hosts };
}

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s,]+)(:\d{1,5})?$/;
