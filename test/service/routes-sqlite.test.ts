import { afterAll, describe, setDefaultTimeout } from "bun:test";
import { makeTempDir } from "../support/temp-dir.ts";
import { openSqlite } from "./support/backends.ts";
import { routesSuite } from "./support/routes-suite.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

describe("service routes on SQLite", () => {
  const dir = makeTempDir("malwar-service-");
  afterAll(() => dir.cleanup());
  routesSuite("sqlite", () => openSqlite(dir.file("service.db")));
});
