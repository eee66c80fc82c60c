// rerankConformance used exactly as a user's test file would (from source here; from the
// installed package in install.test.ts): the checks become tests of this very run.
import { rerankConformance } from "../../src/vitest/index.js";

rerankConformance({ target: "embedded", fuzz: 5, only: ["sort.", "top_n."], name: "rerankConformance against the embedded reference" });
