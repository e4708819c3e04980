import { afterAll, describe, setDefaultTimeout } from "bun:test";
import { makeTempDir } from "../support/temp-dir.ts";
import { openSqlite } from "./support/backends.ts";
import { listingSuite } from "./support/listing-suite.ts";

// Per file: Bun applies a preload's default timeout to the first file only (oven-sh/bun#43787).
setDefaultTimeout(60_000);

describe("scan paging, keys, usage and field errors on SQLite", () => {
  const dir = makeTempDir("malwar-listing-");
  afterAll(() => dir.cleanup());
  listingSuite(() => openSqlite(dir.file("listing.db")));
});
