/**
 * Connection URLs travel through error messages and start-up lines; a password must never.
 * Works on text that may only contain a URL somewhere inside it.
 */
export function redactUrl(text: string): string {
  // Greedy up to the last "@" of the run: a password may itself hold an unencoded "@".
  return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)\S*@/gi, "$1***@");
}

/** Removes every occurrence of the given secrets, for driver messages that echo them. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = redactUrl(text);
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join("***");
  }
  return out;
}
