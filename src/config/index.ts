export * from "./load-config.ts";
export * from "./log-config.ts";
export * from "./postgres-url.ts";
export * from "./storage-config.ts";
export { resolveConfig } from "./validate-config.ts";
