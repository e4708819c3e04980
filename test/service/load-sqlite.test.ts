import { afterAll, describe } from "bun:test";
import { makeTempDir } from "../support/temp-dir.ts";
import { openSqlite } from "./support/backends.ts";
import { loadSuite } from "./support/load-suite.ts";

describe("service under concurrent load on SQLite", () => {
  const dir = makeTempDir("malwar-load-");
  afterAll(() => dir.cleanup());
  loadSuite(() => openSqlite(dir.file("load.db")));
});
