import { afterAll, describe, setDefaultTimeout } from "bun:test";
import { makeTempDir } from "../support/temp-dir.ts";
import { openSqlite } from "./support/backends.ts";
import { loadSuite } from "./support/load-suite.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

describe("service under concurrent load on SQLite", () => {
  const dir = makeTempDir("malwar-load-");
  afterAll(() => dir.cleanup());
  loadSuite(() => openSqlite(dir.file("load.db")));
});
