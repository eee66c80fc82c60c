// The conformance run's defaults, shared by `check`, runConformance, rerankConformance and the
// standalone suites (a leaf: the CLI reads it without loading the catalogue or vitest).

/** Generated requests per fuzz check (`--fuzz`). */
export const DEFAULT_FUZZ = 50;
/** Seed for generated requests and shuffles (`--seed`). */
export const DEFAULT_SEED = 1;
