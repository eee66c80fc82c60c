import { mkdtemp, readFile, rm } from "node:fs/promises";
import { STATUS_CODES } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Entry, Har, Header } from "har-format";
import { jsonText, writeReportFile } from "./write-file.js";
import { parseExchangeLog, RECORDED_BODY_CAP_CHARS, type ExchangeRecord } from "../client/exchange-recording.js";

/** Recorded exchanges of one target; `target` tags each entry (compare), absent for check. */
export interface HarSource {
  target?: string;
  records: ExchangeRecord[];
}

/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) of every recorded exchange, in
 * the order they started. Custom fields, which the spec allows with a leading `_`: `_checkId`
 * (what sent it: a check id, "preflight", "agreement"), `_target` (compare), `_error` (a
 * transport failure: status 0, no response) and `_truncatedChars` (a body cut at the cap).
 * Keys were redacted when recorded.
 */
export function renderHar(sources: HarSource[], creator: { name: string; version: string }): Har {
  const entries = sources.flatMap((s) => s.records.map((r) => harEntry(r, s.target))).sort((a, b) => a.startedDateTime.localeCompare(b.startedDateTime));
  return {
    log: {
      version: "1.2",
      creator,
      pages: [],
      entries,
      comment: `Every exchange the run sent. Bodies are cut at ${RECORDED_BODY_CAP_CHARS} characters (_truncatedChars says how many more there were); API keys are redacted.`,
    },
  };
}

function harEntry(r: ExchangeRecord, target: string | undefined): Entry {
  const url = new URL(r.request.url);
  const requestType = header(r.request.headers, "content-type");
  const response = r.response;
  const waitMs = response ? (r.headersMs ?? r.totalMs) : r.totalMs;
  const entry: Entry & Record<`_${string}`, unknown> = {
    startedDateTime: new Date(r.startedAtMs).toISOString(),
    time: round(r.totalMs),
    request: {
      method: r.request.method,
      url: r.request.url,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: headerList(r.request.headers),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      ...(r.request.body ? { postData: { mimeType: requestType ?? "", text: r.request.body.text, ...truncation(r.request.body) } } : {}),
      headersSize: -1,
      bodySize: r.request.body ? bodySize(r.request.body) : 0,
    },
    response: response
      ? {
          status: response.status,
          statusText: STATUS_CODES[response.status] ?? "",
          httpVersion: "HTTP/1.1",
          cookies: [],
          headers: headerList(response.headers),
          content: {
            size: bodySize(response.body),
            mimeType: header(response.headers, "content-type") ?? "",
            text: response.body.text,
            ...truncation(response.body),
          },
          redirectURL: header(response.headers, "location") ?? "",
          headersSize: -1,
          bodySize: bodySize(response.body),
        }
      : {
          // HAR has no "no response"; browsers export a failed request the same way: status 0.
          status: 0,
          statusText: "",
          httpVersion: "",
          cookies: [],
          headers: [],
          content: { size: 0, mimeType: "x-unknown" },
          redirectURL: "",
          headersSize: -1,
          bodySize: -1,
        },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: round(waitMs), receive: round(Math.max(0, r.totalMs - waitMs)) },
    _checkId: r.tag,
    ...(target !== undefined ? { _target: target } : {}),
    ...(r.error !== undefined ? { _error: r.error } : {}),
  };
  return entry;
}

function headerList(headers: Record<string, string>): Header[] {
  return Object.entries(headers).map(([name, value]) => ({ name, value }));
}

function header(headers: Record<string, string>, name: string): string | undefined {
  return Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
}

/** Bytes of the body; -1 (unknown, as HAR allows) when it was cut. */
function bodySize(body: ExchangeRecord["request"]["body"] & {}): number {
  return body.truncatedChars ? -1 : Buffer.byteLength(body.text);
}

function truncation(body: { truncatedChars?: number | undefined }): { comment?: string; _truncatedChars?: number } {
  return body.truncatedChars ? { comment: `truncated: ${body.truncatedChars} more characters`, _truncatedChars: body.truncatedChars } : {};
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * The temporary JSON-lines logs a `--har` run records into (one per target: the checks run
 * in a vitest worker, which appends to the same file), read back into one HAR at the end.
 */
export class HarRecording {
  private constructor(private readonly dir: string) {}

  static async open(): Promise<HarRecording> {
    return new HarRecording(await mkdtemp(join(tmpdir(), "rerank-harness-har-")));
  }

  /** The log the exchanges with the `index`-th target go to. */
  logFor(index: number): string {
    return join(this.dir, `target-${index}.jsonl`);
  }

  /** HAR of everything recorded; `targets[i]` tags the entries of logFor(i) (undefined: no `_target`). */
  async render(targets: (string | undefined)[], harnessVersion: string): Promise<Har> {
    const sources = await Promise.all(
      targets.map(async (target, i) => {
        const text = await readFile(this.logFor(i), "utf8").catch((err: NodeJS.ErrnoException) => {
          if (err.code === "ENOENT") return ""; // nothing was sent to it (it did not start)
          throw err;
        });
        return { ...(target !== undefined ? { target } : {}), records: parseExchangeLog(text) };
      }),
    );
    return renderHar(sources, { name: "rerank-harness", version: harnessVersion });
  }

  /** Writes the HAR (through writeReportFile: folders made, secrets scrubbed once more). */
  async write(path: string, targets: (string | undefined)[], harnessVersion: string): Promise<void> {
    await writeReportFile(path, jsonText(await this.render(targets, harnessVersion)));
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
