import { describe, expect, test } from "bun:test";
import {
  ConfigurationError,
  MalwarError,
  MigrationError,
  redactSecrets,
  redactUrl,
  StorageError,
} from "../../src/index.ts";

describe("redactUrl", () => {
  const cases: [string, string][] = [
    ["postgres://u:secret@h:5432/db", "postgres://u:***@h:5432/db"],
    ["postgresql://u:p%40ss@h/db", "postgresql://u:***@h/db"],
    ["postgres://u:p@ss@h/db", "postgres://u:***@h/db"],
    ["failed: postgres://u:s3cr3t@h/db (timeout)", "failed: postgres://u:***@h/db (timeout)"],
    ["postgres://u@h/db", "postgres://u@h/db"],
    ["POSTGRES://a:b@c/d and postgres://e:f@g/h", "POSTGRES://a:***@c/d and postgres://e:***@g/h"],
  ];
  for (const [input, expected] of cases) {
    test(input, () => {
      expect(redactUrl(input)).toBe(expected);
    });
  }

  test("redactSecrets removes every copy of each secret", () => {
    expect(redactSecrets("pw=hunter2; again hunter2", ["hunter2", ""])).toBe("pw=***; again ***");
  });
});

describe("error classes", () => {
  test("stable names, codes and inheritance", () => {
    const cause = new Error("driver");
    const m = new MigrationError("m", { cause });
    expect(m).toBeInstanceOf(StorageError);
    expect(m).toBeInstanceOf(MalwarError);
    expect(m.name).toBe("MigrationError");
    expect(m.code).toBe("MIGRATION_ERROR");
    expect(m.cause).toBe(cause);
    expect(new StorageError("s").name).toBe("StorageError");
    expect(new StorageError("s").code).toBe("STORAGE_ERROR");
    const c = new ConfigurationError("c");
    expect(c.name).toBe("ConfigurationError");
    expect(c.code).toBe("CONFIGURATION_ERROR");
    expect(c).not.toBeInstanceOf(StorageError);
  });

  test("a given code wins; a subclass that declares no kind of its own keeps its parent's name and code", () => {
    expect(new StorageError("s", { code: "UNIQUE_VIOLATION" }).code).toBe("UNIQUE_VIOLATION");
    class PoolClosed extends StorageError {}
    const closed = new PoolClosed("closed");
    expect(closed.name).toBe("StorageError");
    expect(closed.code).toBe("STORAGE_ERROR");
    expect(Object.hasOwn(closed, "name")).toBe(true);
    expect(String(closed)).toBe("StorageError: closed");
  });
});
