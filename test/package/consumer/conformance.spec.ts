// A consumer's own vitest file: every conformance check as a named test.
import { rerankConformance } from "rerank-harness/vitest";

rerankConformance({ target: process.env["RH_TARGET"] ?? "embedded", fuzz: 5 });
