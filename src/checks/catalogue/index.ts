import type { Dialect } from "../../contract/dialect.js";
import { CHECK_AREAS, type CheckArea, type CheckDefinition } from "../types.js";
import { authChecks } from "./auth.js";
import { datasetChecks } from "./dataset.js";
import { documentChecks } from "./documents.js";
import { errorChecks } from "./errors.js";
import { fidelityChecks } from "./fidelity.js";
import { fuzzChecks } from "./fuzz.js";
import { inputChecks } from "./input.js";
import { invarianceChecks } from "./invariance.js";
import { pathChecks } from "./paths.js";
import { schemaChecks } from "./schema.js";
import { relevanceChecks, scoreChecks } from "./scores.js";
import { sortChecks } from "./sort.js";
import { topNChecks } from "./top-n.js";
import { usageChecks } from "./usage.js";

/** Every check, grouped by area in report order. Ids are stable: CI history keys on them. */
export const CATALOGUE: readonly CheckDefinition[] = [
  ...schemaChecks,
  ...sortChecks,
  ...topNChecks,
  ...documentChecks,
  ...scoreChecks,
  ...relevanceChecks,
  ...datasetChecks,
  ...fidelityChecks,
  ...invarianceChecks,
  ...inputChecks,
  ...pathChecks,
  ...errorChecks,
  ...usageChecks,
  ...authChecks,
  ...fuzzChecks,
].sort((a, b) => CHECK_AREAS.indexOf(a.area) - CHECK_AREAS.indexOf(b.area));

export function getCheck(id: string): CheckDefinition | undefined {
  return CATALOGUE.find((c) => c.id === id);
}

/** `--only` selection: a check runs when its id starts with one of the prefixes (all when none). */
export function matchesOnly(id: string, only: readonly string[] | undefined): boolean {
  if (!only || only.length === 0) return true;
  return only.some((prefix) => id.startsWith(prefix));
}

export function checksForArea(area: CheckArea, only?: readonly string[]): CheckDefinition[] {
  return CATALOGUE.filter((c) => c.area === area && matchesOnly(c.id, only));
}

/** The check's source for this dialect. A source function that throws is a bug in the catalogue: it propagates. */
export function resolveSource(check: CheckDefinition, dialect: Dialect): string {
  return typeof check.source === "string" ? check.source : check.source(dialect);
}

/** Prefixes that select nothing (a typo in --only should be a usage error, not a silent pass). */
export function unknownPrefixes(only: readonly string[]): string[] {
  return only.filter((p) => !CATALOGUE.some((c) => matchesOnly(c.id, [p])));
}
