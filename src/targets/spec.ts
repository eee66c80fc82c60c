import { z } from "zod";
import { DIALECT_CHOICES, type DialectName } from "../contract/dialect.js";
import { HarnessError } from "../util/errors.js";

/** Settings a target may carry after `#` (or in a --config file); they override the command's flags. */
export const TargetSettings = z.strictObject({
  dialect: z.enum(DIALECT_CHOICES).optional(),
  model: z.string().min(1).optional(),
  "key-env": z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name")
    .optional(),
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
  /** Process target: the port it listens on (base URL http://127.0.0.1:PORT); container targets: the container port. */
  port: z.coerce.number().int().min(1).max(65535).optional(),
  /** Container targets: the command after the image's entrypoint (a string is split on spaces; an array in --config). */
  args: z.union([z.string(), z.array(z.string())]).optional(),
  /** Container targets: replaces the image's entrypoint (same forms as args). */
  entrypoint: z.union([z.string(), z.array(z.string())]).optional(),
  /** Container targets: extra environment, `NAME=value` pairs separated by commas (an object in --config). */
  env: z.union([z.string(), z.array(z.string()), z.record(z.string(), z.coerce.string())]).optional(),
});
export type TargetSettings = z.infer<typeof TargetSettings>;

/** Named container kinds (`reference`: this harness's own image running `serve`). */
export const CONTAINER_KINDS = ["vllm", "tei", "infinity", "reference"] as const;
export type ContainerKind = (typeof CONTAINER_KINDS)[number];
/** A named kind, or `image`: `container:IMAGE` for any other image reference. */
export type ContainerName = ContainerKind | "image";

export type TargetSpec =
  | { kind: "embedded"; raw: string; settings: TargetSettings }
  | { kind: "url"; raw: string; url: string; settings: TargetSettings }
  | { kind: "container"; raw: string; container: ContainerName; image?: string; settings: TargetSettings }
  | { kind: "process"; raw: string; command: string; settings: TargetSettings };

/** Vendor presets: endpoint, dialect, model and the vendor's usual key variable (README, "Targets"). */
export const PRESETS = {
  jina: { url: "https://api.jina.ai", dialect: "jina", model: "jina-reranker-v2-base-multilingual", "key-env": "JINA_API_KEY" },
  cohere: { url: "https://api.cohere.com", dialect: "cohere-v2", model: "rerank-v3.5", "key-env": "CO_API_KEY" },
} as const satisfies Record<string, { url: string; dialect: DialectName; model: string; "key-env": string }>;

/** The dialect a kind of target speaks when nothing else is said. */
export const CONTAINER_DIALECTS: Record<ContainerKind, DialectName> = { vllm: "vllm", tei: "tei", infinity: "infinity", reference: "vllm" };

export class TargetSpecError extends HarnessError {
  readonly code = "RH_TARGET_SPEC";
  readonly kind = "usage";
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
    const container = head.slice("container:".length).trim();
    if ((CONTAINER_KINDS as readonly string[]).includes(container)) return { kind: "container", raw, container: container as ContainerKind, settings };
    if (!IMAGE_REFERENCE.test(container)) {
      throw new TargetSpecError(
        `target "${raw}": "${container}" is neither a known container (${CONTAINER_KINDS.join(", ")}) nor an image reference such as local/my-reranker:dev`,
      );
    }
    if (settings.image) throw new TargetSpecError(`target "${raw}": the image is named twice (container:IMAGE and #image=); keep one`);
    return { kind: "container", raw, container: "image", image: container, settings };
  }
  if (head.startsWith("process:")) {
    const command = head.slice("process:".length).trim();
    if (!command) throw new TargetSpecError(`target "${raw}": process: needs a command`);
    return { kind: "process", raw, command, settings };
  }
  throw new TargetSpecError(
    `target "${raw}" is not one of: embedded, http(s)://…, container:vllm|tei|infinity|reference|IMAGE, process:<command>, ${Object.keys(PRESETS).join(", ")}`,
  );
}

/** An image reference as Docker writes it: [registry[:port]/]path[:tag][@digest]. */
const IMAGE_REFERENCE = /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

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
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => `"${k}"`).join(", ");
    throw new TargetSpecError(`target "${raw}": unknown setting ${keys} (known: ${Object.keys(TargetSettings.shape).join(", ")})`);
  }
  throw new TargetSpecError(`target "${raw}": bad setting "${issue.path.join(".")}": ${issue.message}`);
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
