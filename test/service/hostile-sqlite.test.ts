import { afterAll, describe, setDefaultTimeout } from "bun:test";
import { makeTempDir } from "../support/temp-dir.ts";
import { openSqlite } from "./support/backends.ts";
import { hostileSuite } from "./support/hostile-suite.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(120_000);

describe("hostile requests on SQLite", () => {
  const dir = makeTempDir("malwar-hostile-");
  afterAll(() => dir.cleanup());
  hostileSuite(() => openSqlite(dir.file("hostile.db")));
});
