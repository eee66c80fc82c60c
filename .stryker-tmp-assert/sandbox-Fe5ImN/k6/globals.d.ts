// @ts-nocheck
// k6 provides a console (log/info/warn/error/debug); @types/k6 leaves it to the DOM lib,
// which these scripts must not pull in.
declare global {
  var console: {
    log(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    debug(...args: unknown[]): void;
  };
}
export {};
