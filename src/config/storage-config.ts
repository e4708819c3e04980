/** The databases malwar runs on: the one list the config, the SQL renderer and the backends share. */
export const BACKEND_NAMES = ["sqlite", "postgres"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface StorageConfig {
  backend: BackendName;
  /** SQLite file path; `:memory:` allowed. */
  dbPath: string;
  postgresUrl: string;
  /** Optional read replica for list and search reads; unset = the primary. */
  postgresReadUrl?: string | undefined;
  postgresPoolMin: number;
  postgresPoolMax: number;
  autoMigrate: boolean;
  /** Seconds to keep retrying the first connection. */
  postgresConnectTimeout: number;
  /** Milliseconds before the server cancels a statement; 0 = none. */
  postgresStatementTimeout: number;
  /** Named prepared statements; off behind transaction-mode poolers. */
  postgresPrepare: boolean;
  host: string;
  port: number;
}

export const DEFAULT_CONFIG: Readonly<StorageConfig> = Object.freeze({
  backend: "sqlite",
  dbPath: "malwar.db",
  postgresUrl: "",
  postgresReadUrl: undefined,
  postgresPoolMin: 2,
  postgresPoolMax: 10,
  autoMigrate: true,
  postgresConnectTimeout: 30,
  postgresStatementTimeout: 30000,
  postgresPrepare: true,
  host: "127.0.0.1",
  port: 8000,
});
