/**
 * Reads a PostgreSQL URL, including the multi-host form postgres.js accepts
 * (`postgres://u@h1:5432,h2:5433/db?target_session_attrs=read-write`), which WHATWG `URL` refuses:
 * the host list is taken out before parsing and handed back as `hosts`.
 * Throws a TypeError when the rest does not parse.
 */
export interface ParsedPostgresUrl {
  /** The URL with only the first host, for the user, password, database and query. */
  url: URL;
  /** Every `host[:port]` of the authority, in order (one for an ordinary URL; may be empty). */
  hosts: string[];
}

export function parsePostgresUrl(text: string): ParsedPostgresUrl {
  const scheme = text.indexOf("://");
  if (scheme === -1) return { url: new URL(text), hosts: [] };
  const start = scheme + 3;
  const rest = text.slice(start);
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf("@");
  const hostList = authority.slice(at + 1);
  const hosts = hostList === "" ? [] : hostList.split(",");
  const first = hosts[0] ?? "";
  const single = `${text.slice(0, start)}${authority.slice(0, at + 1)}${first}${end === -1 ? "" : rest.slice(end)}`;
  const url = new URL(single);
  if (hosts.some((h) => h === "" || !isHostPort(h))) throw new TypeError("bad host list");
  return { url, hosts };
}

function isHostPort(host: string): boolean {
  return /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+)(:\d{1,5})?$/.test(host);
}
