// @ts-nocheck
import { z } from "zod";
import { DIALECT_NAMES, type DialectName } from "../contract/dialect.js";

/** Settings a target may carry after `#` (or in a --config file); they override the command's flags. */
export const TargetSettings = z.strictObject({
  dialect: z.enum(DIALECT_NAMES).optional(),
  model: z.string().min(1).optional(),
  "key-env": z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name").optional(),
  /** Label in reports (default: the spec itself). */
  name: z.string().min(1).optional(),
  /** Container targets: image, the model the container loads, GPUs. */
  image: z.string().min(1).optional(),
  "served-model": z.string().min(1).optional(),
  gpus: z.string().min(1).optional(),
  /** Embedded target: the reference model it runs. */
  reference: z.string().min(1).optional(),
  /** Process and container targets: the health path to wait for (default /health). */
  health: z.string().startsWith("/").optional(),
  /** Process target: its base URL, when the process does not print it. */
  url: z.url({ protocol: /^https?$/ }).optional(),
  /** Process target: the port it listens on (base URL http://127.0.0.1:PORT). */
  port: z.coerce.number().int().min(1).max(65535).optional(),
});
export type TargetSettings = z.infer<typeof TargetSettings>;

export const CONTAINER_KINDS = ["vllm", "tei", "infinity"] as const;
export type ContainerKind = (typeof CONTAINER_KINDS)[number];

export type TargetSpec =
  | { kind: "embedded"; raw: string; settings: TargetSettings }
  | { kind: "url"; raw: string; url: string; settings: TargetSettings }
  | { kind: "container"; raw: string; container: ContainerKind; settings: TargetSettings }
  | { kind: "process"; raw: string; command: string; settings: TargetSettings };

/** Vendor presets: endpoint, dialect, model and the vendor's usual key variable (DESIGN.md). */
export const PRESETS = {
  jina: { url: "https://api.jina.ai", dialect: "jina", model: "jina-reranker-v2-base-multilingual", "key-env": "JINA_API_KEY" },
  cohere: { url: "https://api.cohere.com", dialect: "cohere-v2", model: "rerank-v3.5", "key-env": "CO_API_KEY" },
} as const satisfies Record<string, { url: string; dialect: DialectName; model: string; "key-env": string }>;

/** The dialect a kind of target speaks when nothing else is said. */
export const CONTAINER_DIALECTS: Record<ContainerKind, DialectName> = { vllm: "vllm", tei: "tei", infinity: "infinity" };

export class TargetSpecError extends Error {
  override readonly name = "TargetSpecError";
  readonly code = "ERR_TARGET_SPEC";
}

/**
 * Parses `embedded`, `http(s)://…`, `container:vllm`, `process:<cmd>`, `jina`, `cohere`, each
 * optionally followed by `#key=value&key=value` settings.
 */
export function parseTargetSpec(raw: string, extraSettings: Record<string, unknown> = {}): TargetSpec {
  // A command or URL may contain '#' itself: only a last '#' followed by key=value pairs splits.
  const splitAt = findSettingsHash(raw);
  const head = (splitAt >= 0 ? raw.slice(0, splitAt) : raw).trim();
  const fromHash = splitAt >= 0 ? parseSettingsText(raw.slice(splitAt + 1), raw) : {};
  const settings = validateSettings({ ...extraSettings, ...fromHash }, raw);

  if (head === "" || head === "embedded") return { kind: "embedded", raw, settings };
  if (head in PRESETS) {
    const preset = PRESETS[head as keyof typeof PRESETS];
    const { url, ...presetSettings } = preset;
    return { kind: "url", raw, url, settings: { name: head, ...presetSettings, ...settings } };
  }
  if (/^https?:\/\//i.test(head)) {
    try {
      new URL(head);
    } catch {
      throw new TargetSpecError(`target "${raw}": not a valid URL`);
    }
    return { kind: "url", raw, url: head, settings };
  }
  if (head.startsWith("container:")) {
    const container = head.slice("container:".length);
    if (!(CONTAINER_KINDS as readonly string[]).includes(container)) {
      throw new TargetSpecError(`target "${raw}": unknown container "${container}" (known: ${CONTAINER_KINDS.join(", ")})`);
    }
    return { kind: "container", raw, container: container as ContainerKind, settings };
  }
  if (head.startsWith("process:")) {
    const command = head.slice("process:".length).trim();
    if (!command) throw new TargetSpecError(`target "${raw}": process: needs a command`);
    return { kind: "process", raw, command, settings };
  }
  throw new TargetSpecError(
    `target "${raw}" is not one of: embedded, http(s)://…, container:vllm|tei|infinity, process:<command>, ${Object.keys(PRESETS).join(", ")}`,
  );
}

function findSettingsHash(raw: string): number {
  const at = raw.lastIndexOf("#");
  if (at < 0) return -1;
  const tail = raw.slice(at + 1);
  return tail === "" || /^[a-z-]+=/.test(tail) ? at : -1;
}

function parseSettingsText(text: string, raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split("&").filter(Boolean)) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new TargetSpecError(`target "${raw}": setting "${pair}" is not key=value`);
    out[decodeURIComponent(pair.slice(0, eq))] = decodeURIComponent(pair.slice(eq + 1));
  }
  return out;
}

function validateSettings(settings: Record<string, unknown>, raw: string): TargetSettings {
  const parsed = TargetSettings.safeParse(settings);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? `"${issue.path.join(".")}"` : "";
  const keys = issue.code === "unrecognized_keys" ? ` ${issue.keys.map((k) => `"${k}"`).join(", ")} (known: ${Object.keys(TargetSettings.shape).join(", ")})` : "";
  throw new TargetSpecError(`target "${raw}": bad setting ${where}${keys}: ${issue.message}`);
}

/** A --config file: `{"targets": [{"spec": "…", "dialect": "…", …}]}` or a bare array of those. */
export const TargetConfigFile = z.union([
  z.strictObject({ targets: z.array(z.looseObject({ spec: z.string() })).min(1) }),
  z.array(z.looseObject({ spec: z.string() })).min(1),
]);

export function targetsFromConfig(json: unknown, file: string): TargetSpec[] {
  const parsed = TargetConfigFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TargetSpecError(`${file}: ${issue.path.join(".") || "(root)"}: ${issue.message} (expected {"targets": [{"spec": "…", …}]})`);
  }
  const entries = Array.isArray(parsed.data) ? parsed.data : parsed.data.targets;
  return entries.map(({ spec, ...settings }) => parseTargetSpec(spec, settings));
}
