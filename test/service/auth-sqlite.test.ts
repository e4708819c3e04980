import { afterAll, describe, setDefaultTimeout } from "bun:test";
import { makeTempDir } from "../support/temp-dir.ts";
import { authSuite } from "./support/auth-suite.ts";
import { openSqlite } from "./support/backends.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

describe("service keys and roles on SQLite", () => {
  const dir = makeTempDir("malwar-auth-");
  afterAll(() => dir.cleanup());
  authSuite(() => openSqlite(dir.file("auth.db")));
});
