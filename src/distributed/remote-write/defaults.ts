/** Time between writes unless `--push-interval` says otherwise (k6's experimental-prometheus-rw default is 5 s). */
export const DEFAULT_PUSH_INTERVAL_MS = 5_000;
