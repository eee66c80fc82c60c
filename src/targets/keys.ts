import { DEFAULT_API_KEY_ENV } from "../util/defaults.js";
import { PRESETS, TargetSpecError, type TargetSpec } from "./spec.js";

// A key named but not set is said out loud: a vendor preset cannot work without one (stop before
// any request), and a variable someone named on purpose and left empty is worth a warning.

/** The preset a spec names (`cohere`, `jina#model=…`), if any. */
function presetOf(spec: TargetSpec): keyof typeof PRESETS | undefined {
  const head = spec.raw.split("#")[0]!.trim();
  return spec.kind === "url" && head in PRESETS ? (head as keyof typeof PRESETS) : undefined;
}

function keyEnvOf(spec: TargetSpec, apiKeyEnv: string): string {
  return spec.settings["key-env"] ?? apiKeyEnv;
}

const isSet = (name: string): boolean => Boolean(process.env[name]);

/** Throws (exit 2) when a vendor preset's key variable is unset or empty. */
export function requirePresetKeys(specs: readonly TargetSpec[], apiKeyEnv: string): void {
  for (const spec of specs) {
    const preset = presetOf(spec);
    if (!preset) continue;
    const name = keyEnvOf(spec, apiKeyEnv);
    if (!isSet(name)) {
      throw new TargetSpecError(
        `target "${spec.raw}" needs an API key: $${name} is unset or empty (export ${name}=…, or name another variable with #key-env=NAME)`,
      );
    }
  }
}

/** A warning for each other target whose explicitly named key variable is unset or empty. */
export function missingKeyWarnings(specs: readonly TargetSpec[], apiKeyEnv: string): string[] {
  const warnings: string[] = [];
  for (const spec of specs) {
    if (presetOf(spec)) continue;
    const name = keyEnvOf(spec, apiKeyEnv);
    // The default variable unset just means "no key": only a name someone chose is worth a word.
    if (name === DEFAULT_API_KEY_ENV || isSet(name)) continue;
    warnings.push(`warning: $${name} is unset or empty: ${spec.raw.split("#")[0]} gets no API key (auth.required will be skipped)`);
  }
  return warnings;
}

/** Both, before a command starts anything: presets stop the run, other missing keys are logged. */
export function checkApiKeys(specs: readonly TargetSpec[], apiKeyEnv: string, log: (line: string) => void): void {
  requirePresetKeys(specs, apiKeyEnv);
  for (const warning of missingKeyWarnings(specs, apiKeyEnv)) log(warning);
}
