// @ts-nocheck
export * from "./common.js";
export * from "./dialect.js";
export * from "./errors.js";
export { getDialect, isDialectName, listDialects, UnknownDialectError } from "./registry.js";
