/** The one reading of a PostgreSQL URL: configuration checks it, the backend and the CLIs describe it. */
export type PostgresUrl = { ok: true; url: URL } | { ok: false; problem: "syntax" | "scheme" };

export function parsePostgresUrl(text: string): PostgresUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: "syntax" };
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") return { ok: false, problem: "scheme" };
  return { ok: true, url };
}

/** `host[:port]/database` for a closing or start-up line (never user or password); null if it does not parse. */
export function postgresLocation(text: string): string | null {
  const parsed = parsePostgresUrl(text);
  if (!parsed.ok) return null;
  const { url } = parsed;
  return `${url.hostname}${url.port ? `:${url.port}` : ""}${url.pathname}`;
}
