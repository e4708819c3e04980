export * from "./load-config.ts";
export * from "./log-config.ts";
export * from "./postgres-url.ts";
export { loadRetentionConfig, RETENTION_DAYS_VARIABLE, type RetentionConfig } from "./retention-config.ts";
export * from "./storage-config.ts";
export { resolveConfig } from "./validate-config.ts";
