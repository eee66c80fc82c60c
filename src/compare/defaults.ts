// `compare`'s workload defaults, for the CLI and the library's runCompare alike. Compare is
// usually pointed at paid endpoints too: a modest rate and a short window.

export const COMPARE_DEFAULTS = { rate: 10, durationMs: 5_000, warmupMs: 1_000, fuzz: 10, seed: 42 } as const;
