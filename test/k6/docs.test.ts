import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { K6Env, parseK6Env } from "../../k6/lib/config.js";
import { planLoad, thresholdsFor } from "../../k6/lib/plan.js";
import { parseTargets } from "../../src/load/targets.js";

// k6/README.md and the TestRun manifest say what the scripts do: hold them to it.

const read = (rel: string) => readFileSync(new URL(`../../${rel}`, import.meta.url), "utf8");
const readme = read("k6/README.md");
const targets = parseTargets(JSON.parse(read("fixtures/targets/default.json")), "default.json");

describe("k6/README.md", () => {
  it("documents every environment variable the scripts read", () => {
    for (const name of Object.keys(K6Env.shape)) expect(readme, name).toContain(`| \`${name}\` |`);
  });

  it("shows the thresholds the load script generates for the default file and DURATION=1m", () => {
    const block = /```js\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("## Scenarios and thresholds")))![1]!;
    const shown = Object.fromEntries([...block.matchAll(/^"([^"]+)":\s*(\[[^\]]*\])/gm)].map((m) => [m[1]!, JSON.parse(m[2]!) as string[]]));
    const generated = thresholdsFor(planLoad(targets, parseK6Env({ DURATION: "1m" }, "1m")));
    expect(Object.keys(shown)).toHaveLength(4);
    for (const [key, exprs] of Object.entries(shown)) expect(generated[key], key).toEqual(exprs);
  });
});

describe("k6/k8s/testrun.yaml", () => {
  const manifest = read("k6/k8s/testrun.yaml");
  const args = /arguments: >-\n((?:\s{4}.*\n)+)/.exec(manifest)![1]!;
  const env = Object.fromEntries([...args.matchAll(/-e (\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));

  it("passes arguments the load script accepts, with RUNNERS equal to the parallelism", () => {
    const cfg = parseK6Env(env, "1m");
    const parallelism = Number(/^\s+parallelism: (\d+)$/m.exec(manifest)![1]);
    expect(cfg.runners).toBe(parallelism);
    expect(planLoad(targets, cfg).map((p) => p.name)).toEqual(["docs_10", "docs_50", "docs_100"]);
  });

  it("prints the JUnit to the pod log (the runners' files vanish with their pods) and keeps the Jobs CI reads", () => {
    expect(parseK6Env(env, "1m").junitStdout).toBe(true);
    expect(manifest).not.toMatch(/^\s*cleanup:\s*post/m);
    expect(manifest).toContain("kubectl get jobs -l k6_cr=rerank-load,runner=true");
  });
});
