// @ts-nocheck
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile, unlink } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DownloadError, ModelNotCachedError } from "./errors.js";

/**
 * A minimal Hugging Face Hub client for model files, compatible with huggingface_hub's cache:
 * `$HF_HUB_CACHE` (else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`) /
 * `models--{org}--{name}/refs/{revision}` (the commit) and `…/snapshots/{commit}/{file}`.
 * Files are stored directly in the snapshot (no blob symlinks), which huggingface_hub reads fine.
 * Downloads go to `{file}.incomplete` first and resume with a Range request.
 */
export interface HubOptions {
  /** Hub base URL; default `$HF_ENDPOINT` or https://huggingface.co. */
  endpoint?: string;
  cacheDir?: string;
  revision?: string;
  /** Never touch the network; default from `HF_HUB_OFFLINE`. */
  offline?: boolean;
  /** Bearer token for gated repos; default `$HF_TOKEN`. */
  token?: string;
  log?: (line: string) => void;
}

export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  const home = env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "huggingface");
  return join(home, "hub");
}

export function hubOffline(env: NodeJS.ProcessEnv = process.env): boolean {
  return [env.HF_HUB_OFFLINE, env.TRANSFORMERS_OFFLINE].some((v) => v !== undefined && /^(1|true|yes|on)$/i.test(v));
}

const COMMIT_RE = /^[0-9a-f]{40}$/;

/** One repo at one revision: fetches files into its snapshot, or finds them there. */
export class HubRepo {
  private readonly endpoint: string;
  private readonly repoDir: string;
  readonly revision: string;
  readonly offline: boolean;
  private readonly token: string | undefined;
  private commit: string | undefined;

  constructor(
    readonly repoId: string,
    private readonly options: HubOptions = {},
  ) {
    this.endpoint = (options.endpoint ?? process.env.HF_ENDPOINT ?? "https://huggingface.co").replace(/\/+$/, "");
    this.repoDir = join(options.cacheDir ?? hubCacheDir(), `models--${repoId.replace(/\//g, "--")}`);
    this.revision = options.revision ?? "main";
    this.offline = options.offline ?? hubOffline();
    this.token = options.token ?? process.env.HF_TOKEN;
  }

  /** The snapshot directory of the cached commit for this revision, if any. */
  async cachedSnapshot(): Promise<string | undefined> {
    const commit = await this.cachedCommit();
    return commit ? join(this.repoDir, "snapshots", commit) : undefined;
  }

  /** Path of `file` in the cache, downloading it unless offline; undefined when the repo lacks it. */
  async file(file: string, opts: { required: boolean }): Promise<string | undefined> {
    const snapshot = await this.cachedSnapshot();
    if (snapshot && (await isFile(join(snapshot, file)))) return join(snapshot, file);
    if (this.offline) {
      if (!opts.required) return undefined;
      throw new ModelNotCachedError(
        `${this.repoId}: ${file} is not in the Hugging Face cache (${this.repoDir}) and HF_HUB_OFFLINE is set; ` +
          "run once with network access or pass a local model directory.",
      );
    }
    return this.download(file, opts.required);
  }

  private async cachedCommit(): Promise<string | undefined> {
    if (this.commit) return this.commit;
    if (COMMIT_RE.test(this.revision)) return (this.commit = this.revision);
    try {
      const ref = (await readFile(join(this.repoDir, "refs", this.revision), "utf8")).trim();
      if (ref) this.commit = ref;
    } catch {
      // not cached yet
    }
    return this.commit;
  }

  private async download(file: string, required: boolean): Promise<string | undefined> {
    const url = `${this.endpoint}/${this.repoId}/resolve/${encodeURIComponent(this.revision)}/${file}`;
    const known = await this.cachedCommit();
    const partial = known ? join(this.repoDir, "snapshots", known, `${file}.incomplete`) : undefined;
    const offset = partial ? await fileSize(partial) : 0;
    const headers: Record<string, string> = { "user-agent": "rerank-harness" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (offset > 0) headers.range = `bytes=${offset}-`;

    let res: Response;
    try {
      res = await fetch(url, { headers, redirect: "follow" });
    } catch (err) {
      if (!required) return undefined;
      throw new ModelNotCachedError(
        `${this.repoId}: cannot reach ${this.endpoint} to download ${file} and it is not cached in ${this.repoDir}` +
          ` (${(err as Error).message}); set HF_ENDPOINT, HF_HUB_OFFLINE=1 with a filled cache, or pass a local directory.`,
        { cause: err },
      );
    }
    if (res.status === 404 && !required) {
      await res.body?.cancel();
      return undefined;
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new DownloadError(`${this.repoId}: ${url} answered ${res.status}; a gated or private repo needs HF_TOKEN.`, res.status);
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      throw new DownloadError(`${this.repoId}: GET ${url} answered ${res.status}.`, res.status);
    }

    const commit = res.headers.get("x-repo-commit") ?? known ?? this.revision;
    if (!COMMIT_RE.test(commit) && commit !== this.revision) throw new DownloadError(`${this.repoId}: bad commit header ${commit}`);
    const target = join(this.repoDir, "snapshots", commit, file);
    const incomplete = `${target}.incomplete`;
    await mkdir(dirname(target), { recursive: true });
    // A 206 continues our partial file only if it is for the same commit; anything else restarts.
    const append = res.status === 206 && commit === known && offset > 0;
    if (!append && (await fileSize(incomplete)) > 0) await unlink(incomplete);
    if (commit !== known) {
      // Record the ref before streaming, so an interrupted download can be resumed next time.
      if (!COMMIT_RE.test(this.revision)) {
        await mkdir(join(this.repoDir, "refs"), { recursive: true });
        await writeFile(join(this.repoDir, "refs", this.revision), commit);
      }
      this.commit = commit;
    }
    if (!res.body) throw new DownloadError(`${this.repoId}: empty response body for ${file}`);
    this.options.log?.(`downloading ${this.repoId}/${file}${append ? ` (resuming at ${offset} bytes)` : ""}`);
    await pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), createWriteStream(incomplete, { flags: append ? "a" : "w" }));
    await rename(incomplete, target);
    return target;
  }
}

async function fileSize(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
