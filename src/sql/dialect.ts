import { BACKEND_NAMES, type BackendName } from "../config/index.ts";
import { StorageError } from "../errors/index.ts";

/** SQL is rendered for the backend it goes to. */
export type Dialect = BackendName;

export function assertDialect(dialect: unknown): asserts dialect is Dialect {
  if (!(BACKEND_NAMES as readonly unknown[]).includes(dialect)) {
    throw new StorageError(
      `Unknown SQL dialect ${JSON.stringify(dialect)}: expected "sqlite" or "postgres"`,
      {
        code: "UNKNOWN_DIALECT",
      },
    );
  }
}
