import { afterAll, describe } from "bun:test";
import { makeTempDir } from "../support/temp-dir.ts";
import { openSqlite } from "./support/backends.ts";
import { routesSuite } from "./support/routes-suite.ts";

describe("service routes on SQLite", () => {
  const dir = makeTempDir("malwar-service-");
  afterAll(() => dir.cleanup());
  routesSuite("sqlite", () => openSqlite(dir.file("service.db")));
});
