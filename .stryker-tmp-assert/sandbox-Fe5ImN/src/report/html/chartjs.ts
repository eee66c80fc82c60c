// @ts-nocheck
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

// Chart.js's UMD build, read from the installed package and inlined into report pages so a
// report opens offline and never fetches anything.

let cached: string | undefined;

export function chartJsSource(): string {
  if (cached === undefined) {
    // The package's exports map hides dist/chart.umd.js; find it next to the main entry.
    const main = createRequire(import.meta.url).resolve("chart.js");
    cached = readFileSync(join(dirname(main), "chart.umd.js"), "utf8");
  }
  return cached;
}
