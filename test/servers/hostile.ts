import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createNetServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { listen, startVllmLikeServer, type TestServer } from "./vllm-like.js";

/** Servers that break HTTP itself rather than the rerank contract: the preflight must stop at them. */
export const HOSTILE = {
  never_answers: "accepts the request and never answers",
  resets: "resets the connection on every request",
  html_200: "answers 200 with an HTML page",
  giant_body: "answers 200 with a body that never ends",
  slow_body: "sends headers, then one byte every half second",
  not_http: "speaks something that is not HTTP",
} as const;
export type Hostile = keyof typeof HOSTILE;

/** Sockets are tracked so close() never waits on a connection we left hanging on purpose. */
function tracked(server: Server | ReturnType<typeof createNetServer>): TestServer & { sockets: Set<Socket> } {
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return { url: "", sockets, close: async () => {} };
}

async function listenTracked(server: Server | ReturnType<typeof createNetServer>): Promise<TestServer> {
  const t = tracked(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of t.sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function startHostileServer(kind: Hostile): Promise<TestServer> {
  switch (kind) {
    case "never_answers":
      return listenTracked(createHttpServer(() => {}));
    case "resets":
      return listenTracked(createHttpServer((req) => req.socket.destroy()));
    case "html_200":
      return listen(
        createHttpServer((_req, res) =>
          res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>"),
        ),
      );
    case "giant_body":
      return listenTracked(
        createHttpServer((_req, res) => {
          res.writeHead(200, { "content-type": "application/json" });
          const chunk = Buffer.alloc(1 << 20, 0x20);
          let sent = 0;
          // Bounded: stops after 256 MiB even if nobody hangs up.
          const pump = () => {
            while (sent < 256 && !res.destroyed && res.write(chunk)) sent++;
            if (sent < 256 && !res.destroyed) res.once("drain", pump);
            else res.end();
          };
          res.write("[");
          pump();
        }),
      );
    case "slow_body":
      return listenTracked(
        createHttpServer((_req, res) => {
          res.writeHead(200, { "content-type": "application/json" });
          let n = 0;
          const timer = setInterval(() => {
            if (res.destroyed || n++ > 120) {
              clearInterval(timer);
              res.end();
            } else res.write(" ");
          }, 500);
          res.on("close", () => clearInterval(timer));
        }),
      );
    case "not_http":
      return listenTracked(
        createNetServer((socket) => {
          socket.on("error", () => {});
          socket.write("SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n");
          socket.on("data", () => socket.end());
        }),
      );
  }
}

/** Answers the preflight like the faithful server, then never answers again. */
export async function startHangsAfterFirst(): Promise<TestServer> {
  const inner = await startVllmLikeServer();
  let answered = 0;
  const server = createHttpServer(async (req, res) => {
    if (answered++ > 0) return; // hang
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const upstream = await fetch(inner.url + req.url, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.concat(chunks) });
    res.writeHead(upstream.status, { "content-type": "application/json" }).end(await upstream.text());
  });
  const outer = await listenTracked(server);
  return {
    url: outer.url,
    close: async () => {
      await outer.close();
      await inner.close();
    },
  };
}

/** Python's `http.server`: files for GET, 501 (an HTML error page) for POST. */
export async function startStaticFileServer(): Promise<TestServer> {
  return listen(
    createHttpServer((req, res) => {
      if (req.method === "GET") return res.writeHead(200, { "content-type": "text/html" }).end("<html><body><ul><li>index.html</li></ul></body></html>");
      res
        .writeHead(501, { "content-type": "text/html;charset=utf-8" })
        .end(
          `<!DOCTYPE HTML><html><head><title>Error response</title></head><body><h1>Error response</h1><p>Error code: 501</p><p>Message: Unsupported method ('${req.method}').</p></body></html>`,
        );
    }),
  );
}

/** A URL nobody listens on. */
export async function closedPortUrl(): Promise<string> {
  const s = await listen(createHttpServer(() => {}));
  await s.close();
  return s.url;
}
