import { HttpClient } from "../client/http-client.js";
import type { StartedTarget } from "../targets/target.js";
import type { ScenarioSpec } from "./plan.js";

/** The most documents one request may carry, where it comes from, and the server flag that sets it. */
export interface DocumentLimit {
  max: number;
  /** "GET /info", or the documented default (and why the server's own report was not used). */
  from: string;
  flag?: string;
}

/**
 * The server's documents-per-request limit: what it reports (TEI's GET /info carries the
 * operator's --max-client-batch-size), else the dialect's documented default; undefined where
 * neither exists. Never throws: a server that does not answer leaves the documented default.
 */
export async function documentLimit(target: StartedTarget, timeoutMs: number): Promise<DocumentLimit | undefined> {
  const documented = target.dialect.expectations.badInput.tooManyDocuments ?? undefined;
  const flag = documented?.limitFlag;
  const withFlag = <T extends object>(x: T) => (flag ? { ...x, flag } : x);
  const endpoint = target.dialect.limits;
  let why = `${target.dialect.title} reports no limits`;
  if (endpoint) {
    const client = new HttpClient({ baseUrl: target.baseUrl, apiKey: target.apiKey, timeoutMs, connections: 1 });
    try {
      const ex = await client.send({ method: "GET", path: endpoint.path });
      if (ex.status >= 200 && ex.status < 300) {
        const max = endpoint.read(ex.json).maxDocuments;
        if (max !== undefined) return withFlag({ max, from: `GET ${endpoint.path}` });
        why = `GET ${endpoint.path} reports no documents limit`;
      } else {
        why = `GET ${endpoint.path} answered ${ex.status}`;
      }
    } catch (err) {
      why = `GET ${endpoint.path} failed (${(err as Error).message})`;
    } finally {
      await client.close();
    }
  }
  if (documented?.limit === undefined) return undefined;
  return withFlag({ max: documented.limit, from: `the documented default; ${why}` });
}

/** The most documents a scenario puts in one request (a mix: its largest component). */
export function maxDocsOf(spec: ScenarioSpec): number {
  return spec.mix ? Math.max(...spec.mix.map((m) => m.docs)) : spec.docs;
}

/**
 * One line per scenario that asks for more documents per request than the server takes:
 * said before sending, since every such request will be refused (TEI: 422 "batch size N >
 * maximum allowed batch size", router/src/http/server.rs), with what to do about it.
 */
export function oversizeWarnings(specs: readonly ScenarioSpec[], limit: DocumentLimit, serverTitle: string): string[] {
  return specs
    .filter((s) => maxDocsOf(s) > limit.max)
    .map((s) => {
      const docs = maxDocsOf(s);
      const todo = limit.flag ? `Start the server with ${limit.flag} ${docs} or more, or choose` : "Choose";
      return `scenario ${s.name} sends ${docs} documents per request, but ${serverTitle} takes at most ${limit.max} (${limit.from}): those requests will be refused. ${todo} at most ${limit.max} documents (--docs).`;
    });
}
