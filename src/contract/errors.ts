import type { z } from "zod";
import { HarnessError } from "../util/errors.js";

/** A response body that does not match the dialect's documented schema. */
export class ContractViolationError extends HarnessError {
  readonly code = "RH_CONTRACT_VIOLATION";
  readonly kind = "failed";
  /** One entry per offending field, e.g. `results.0.relevance_score: expected number, received string`. */
  readonly issues: string[];
  /** The first offending field path, e.g. `results.0.relevance_score` (empty for the root). */
  readonly field: string;

  constructor(dialect: string, what: string, issues: z.core.$ZodIssue[]) {
    const lines = issues.map(formatIssue);
    super(`${dialect} ${what} does not match the contract: ${lines.slice(0, 3).join("; ")}${lines.length > 3 ? ` (+${lines.length - 3} more)` : ""}`);
    this.issues = lines;
    this.field = issues[0] ? issues[0].path.map(String).join(".") : "";
  }
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join(".");
  return `${path || "(body)"}: ${issue.message}`;
}
