/**
 * Connection URLs travel through error messages and start-up lines; a password must never.
 * Works on text that may only contain a URL somewhere inside it, and on URLs whose scheme was
 * mistyped (`postgres//u:pw@h`, `postgres:/u:pw@h`, no scheme at all): anything shaped like
 * `user:password@` loses the password, whatever comes before it.
 *
 * The password runs greedy up to the last "@" of its whitespace-free run: a password may itself
 * hold an unencoded "@". A scheme (`name:` and up to three slashes) is kept as it was written;
 * the user name cannot hold whitespace, quotes, brackets, "/", ":" or "@".
 */
const CREDENTIALS = /([a-z][a-z0-9+.-]*:\/{0,3})?([^\s:/@'"`<>()[\]{}]*):(\S*)@/gi;

export function redactUrl(text: string): string {
  return text.replace(CREDENTIALS, (match, scheme: string | undefined, user: string, password: string) =>
    // `postgres://u@h`: with no scheme taken, "postgres" then reads as a user whose "password"
    // is "//u": a password right after a scheme-less name never starts with "/".
    scheme === undefined && password.startsWith("/") ? match : `${scheme ?? ""}${user}:***@`,
  );
}

/** Removes every occurrence of the given secrets, for driver messages that echo them. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = redactUrl(text);
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join("***");
  }
  return out;
}
