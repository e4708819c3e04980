/**
 * No password in any output of the CLIs: `bun run start`, `migrate` and `keys` as subprocesses,
 * given URLs whose scheme is mistyped (so they never parse as URLs and no password is known to
 * cut out), a URL that parses but names nothing that answers, and a password with an "@" in it.
 */
import { describe, expect, test } from "bun:test";
import { redactUrl } from "../../src/index.ts";
import { runCli } from "../service/support/cli-process.ts";

const SECRET = "secretpw";

const URLS = [
  `postgres//u:${SECRET}@h/db`,
  `postgres:/u:${SECRET}@h/db`,
  `postgres:u:${SECRET}@h/db`,
  `u:${SECRET}@127.0.0.1/db`,
  `postgress://u:${SECRET}@127.0.0.1/db`,
  `postgres://u:${SECRET}@127.0.0.1:1/db`,
  `postgres://u:${SECRET}@x@127.0.0.1:1/db`,
];

const COMMANDS: [string, string[]][] = [
  ["start", []],
  ["migrate", []],
  ["migrate", ["status"]],
  ["keys", ["list"]],
];

describe("a mistyped or unreachable PostgreSQL URL never prints its password", () => {
  for (const url of URLS) {
    for (const [script, args] of COMMANDS) {
      test(`bun run ${[script, ...args].join(" ")} with ${redactUrl(url)}`, async () => {
        const result = await runCli(`src/cli/${script}.ts`, args, {
          MALWAR_DB_BACKEND: "postgres",
          MALWAR_POSTGRES_URL: url,
          MALWAR_POSTGRES_CONNECT_TIMEOUT: "0",
          MALWAR_PORT: "0",
        });
        expect(result.code).not.toBe(0);
        const output = result.stdout + result.stderr;
        // It did say what was wrong (a one-line reason), just without the secret.
        expect(result.stderr.trim().length).toBeGreaterThan(0);
        expect(output).not.toContain(SECRET);
        expect(output).not.toContain(SECRET.slice(0, 6));
      });
    }
  }
});

describe("redactUrl on mistyped schemes", () => {
  const cases: [string, string][] = [
    [`postgres//u:${SECRET}@h/db`, "postgres//u:***@h/db"],
    [`postgres:/u:${SECRET}@h/db`, "postgres:/u:***@h/db"],
    [
      `MALWAR_POSTGRES_URL=postgres//u:${SECRET}@h/db is bad`,
      "MALWAR_POSTGRES_URL=postgres//u:***@h/db is bad",
    ],
    [`(u:${SECRET}@h)`, "(u:***@h)"],
    [`postgres://:${SECRET}@h/db`, "postgres://:***@h/db"],
    ["postgres://u@h/db", "postgres://u@h/db"],
    ["postgres:/u@h/db", "postgres:/u@h/db"],
    ["at h:5432/db: connection refused", "at h:5432/db: connection refused"],
  ];
  for (const [input, expected] of cases) {
    test(input, () => {
      expect(redactUrl(input)).toBe(expected);
    });
  }
});
