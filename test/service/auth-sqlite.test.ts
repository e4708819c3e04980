import { afterAll, describe } from "bun:test";
import { makeTempDir } from "../support/temp-dir.ts";
import { authSuite } from "./support/auth-suite.ts";
import { openSqlite } from "./support/backends.ts";

describe("service keys and roles on SQLite", () => {
  const dir = makeTempDir("malwar-auth-");
  afterAll(() => dir.cleanup());
  authSuite(() => openSqlite(dir.file("auth.db")));
});
