// A tiny reranker in plain Node (no packages) for container tests: vLLM's /rerank shape, scored by
// word overlap. Flags: --port N, --exit CODE (print a line, exit at once), --health-status N
// (health answers N), --unsorted (results in input order: a defect `check` must catch).
import { createServer } from "node:http";

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
if (args.includes("--exit")) {
  console.error(`fake-reranker: fatal: model "no/such-model" not found (exiting ${flag("--exit")})`);
  process.exit(Number(flag("--exit")));
}
const port = Number(flag("--port", process.env.PORT ?? "8000"));
const healthStatus = Number(flag("--health-status", "200"));
const unsorted = args.includes("--unsorted");
const words = (t) =>
  new Set(
    String(t)
      .toLowerCase()
      .match(/[a-z0-9]+/g) ?? [],
  );

const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const send = (status, value) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (req.url === "/health") return send(healthStatus, {});
    if (req.method !== "POST" || !/^\/(v1\/|v2\/)?rerank$/.test(req.url ?? "")) return send(404, { error: "not found" });
    let q;
    try {
      q = JSON.parse(body);
    } catch {
      return send(400, { error: { message: "invalid JSON", type: "BadRequestError", code: 400 } });
    }
    if (typeof q.query !== "string" || !Array.isArray(q.documents))
      return send(400, { error: { message: "query and documents required", type: "BadRequestError", code: 400 } });
    const qw = words(q.query);
    let results = q.documents.map((d, index) => {
      const dw = words(typeof d === "string" ? d : d?.text);
      const overlap = [...dw].filter((w) => qw.has(w)).length;
      return { index, document: { text: typeof d === "string" ? d : d?.text }, relevance_score: 1 / (1 + Math.exp(-(overlap - 1))) };
    });
    if (!unsorted) results.sort((a, b) => b.relevance_score - a.relevance_score);
    if (Number.isInteger(q.top_n)) results = results.slice(0, q.top_n);
    send(200, { id: "rerank-fake", model: q.model ?? "fake", usage: { total_tokens: 1 }, results });
  });
});
server.listen(port, "0.0.0.0", () => console.log(`fake-reranker listening on http://0.0.0.0:${port}`));
for (const s of ["SIGTERM", "SIGINT"]) process.on(s, () => server.close(() => process.exit(0)));
