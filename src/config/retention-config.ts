import { ConfigurationError } from "../errors/index.ts";

export interface RetentionConfig {
  /** The service deletes api_usage and audit_log rows older than this many days; 0 keeps everything. */
  retentionDays: number;
}

export const RETENTION_DAYS_VARIABLE = "MALWAR_RETENTION_DAYS";

/**
 * Read apart from `loadConfig`: StorageConfig's fields are a public contract, and retention is
 * the service's schedule, not a storage setting.
 */
export function loadRetentionConfig(env: Record<string, string | undefined> = process.env): RetentionConfig {
  const raw = env[RETENTION_DAYS_VARIABLE]?.trim() ?? "";
  if (raw === "") return { retentionDays: 0 };
  // At most 100 years: larger is a typo, and a cutoff before year 1 is not an instant.
  if (!/^\d+$/.test(raw) || Number(raw) > 36_500) {
    throw new ConfigurationError(
      `${RETENTION_DAYS_VARIABLE} must be a whole number of days from 0 (keep forever) to 36500 (got ${JSON.stringify(raw)})`,
    );
  }
  return { retentionDays: Number(raw) };
}
