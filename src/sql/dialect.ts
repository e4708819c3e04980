import { StorageError } from "../errors/index.ts";

export type Dialect = "sqlite" | "postgres";

export function assertDialect(dialect: unknown): asserts dialect is Dialect {
  if (dialect !== "sqlite" && dialect !== "postgres") {
    throw new StorageError(
      `Unknown SQL dialect ${JSON.stringify(dialect)}: expected "sqlite" or "postgres"`,
      {
        code: "UNKNOWN_DIALECT",
      },
    );
  }
}
