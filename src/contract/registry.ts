import type { Dialect, DialectName } from "./dialect.js";
import { DIALECT_NAMES } from "./dialect.js";
import { cohereV1 } from "./dialects/cohere-v1.js";
import { cohereV2 } from "./dialects/cohere-v2.js";
import { infinity } from "./dialects/infinity.js";
import { jina } from "./dialects/jina.js";
import { llamacpp } from "./dialects/llamacpp.js";
import { tei } from "./dialects/tei.js";
import { vllm } from "./dialects/vllm.js";
import { HarnessError } from "../util/errors.js";

const dialects: Record<DialectName, Dialect> = {
  vllm,
  jina,
  "cohere-v1": cohereV1,
  "cohere-v2": cohereV2,
  tei,
  infinity,
  llamacpp,
};

export class UnknownDialectError extends HarnessError {
  readonly code = "RH_UNKNOWN_DIALECT";
  readonly kind = "usage";
  constructor(name: string) {
    super(`unknown dialect "${name}" (known: ${DIALECT_NAMES.join(", ")})`);
  }
}

export function isDialectName(name: string): name is DialectName {
  return (DIALECT_NAMES as readonly string[]).includes(name);
}

export function getDialect(name: string): Dialect {
  if (!isDialectName(name)) throw new UnknownDialectError(name);
  return dialects[name];
}

export function listDialects(): Dialect[] {
  return DIALECT_NAMES.map((n) => dialects[n]);
}
