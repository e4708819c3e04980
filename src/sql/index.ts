export * from "./adapt-named.ts";
export * from "./adapt-query.ts";
export * from "./char-codes.ts";
export * from "./dialect.ts";
export * from "./render-query.ts";
export { isIdentChar, isIdentStart, skipProtected } from "./scan-protected.ts";
export * from "./sql-param.ts";
export * from "./sql-query.ts";
