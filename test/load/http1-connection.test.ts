import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Connection, ConnectionClosedError, type Origin } from "../../src/load/http1/connection.js";
import { BodyTooLargeError, ParseError, type ParsedResponse } from "../../src/load/http1/parser.js";

// One load-generator connection against a raw loopback server that answers exactly what each
// test scripts, so every way an exchange can end is seen in-process.

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A server calling `onRequest` with each socket's request bytes; returns its origin and the sockets it saw. */
async function rawServer(onRequest: (socket: Socket, request: string) => void, onConnection?: (socket: Socket) => void) {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
    socket.on("data", (d) => onRequest(socket, d.toString("latin1")));
    onConnection?.(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin: Origin = { host: "127.0.0.1", port: (server.address() as AddressInfo).port, tls: false };
  return { origin, sockets };
}

/** A Connection whose callbacks are recorded; `settled` resolves with the exchange's outcome. */
function connect(origin: Origin, cap = 1024) {
  const events: string[] = [];
  const conn = new Connection(
    origin,
    cap,
    (c) => events.push(c === conn ? "idle" : "idle(other)"),
    (c) => events.push(c === conn ? "dead" : "dead(other)"),
  );
  const exchange = (request = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n") =>
    new Promise<ParsedResponse | Error>((resolve) => {
      conn.send(Buffer.from(request), {
        onResponse: (res) => {
          events.push("response");
          resolve(res);
        },
        onError: (err) => {
          events.push("error");
          resolve(err);
        },
      });
    });
  return { conn, events, exchange };
}

const untilDead = (events: string[]) =>
  new Promise<void>((resolve) => {
    const poll = () => (events.includes("dead") ? resolve() : setTimeout(poll, 5));
    poll();
  });

describe("Connection", () => {
  it("writes the request as given, delivers the response, then offers itself again (keep-alive)", async () => {
    const seen: string[] = [];
    const { origin, sockets } = await rawServer((s, req) => {
      seen.push(req);
      s.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Total-Time: 4\r\n\r\nok");
    });
    const { conn, events, exchange } = connect(origin);
    const pending = exchange("POST /rerank HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}");
    expect(conn.busy).toBe(true);
    const res = (await pending) as ParsedResponse;
    expect([res.status, res.keepAlive, res.body.toString(), res.serverTimings]).toEqual([200, true, "ok", [["x-total-time", 4]]]);
    expect(seen).toEqual(["POST /rerank HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}"]);
    expect([conn.busy, conn.dead, events]).toEqual([false, false, ["response", "idle"]]);
    // The same socket carries the next exchange.
    expect(((await exchange()) as ParsedResponse).status).toBe(200);
    expect(sockets).toHaveLength(1);
    expect(events).toEqual(["response", "idle", "response", "idle"]);
    conn.destroy(new Error("done"));
    expect(events).toEqual(["response", "idle", "response", "idle", "dead"]);
  });

  it("a Connection: close response is delivered, then the connection is dead, never idle, and ends its socket", async () => {
    let ended!: () => void;
    const serverSawEnd = new Promise<void>((resolve) => (ended = resolve));
    const { origin } = await rawServer(
      (s) => s.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"),
      (s) => s.on("end", () => ended()),
    );
    const { conn, events, exchange } = connect(origin);
    const res = (await exchange()) as ParsedResponse;
    expect([res.status, res.keepAlive]).toEqual([200, false]);
    expect(conn.dead).toBe(true);
    expect(events).toEqual(["dead", "response"]);
    await serverSawEnd;
    expect(events).toEqual(["dead", "response"]); // the close that follows reports nothing more
  });

  it("a close-delimited body completes when the server ends the connection", async () => {
    const { origin } = await rawServer((s) => {
      s.write("HTTP/1.1 200 OK\r\n\r\nall of ");
      s.end("it");
    });
    const { conn, events, exchange } = connect(origin);
    const res = (await exchange()) as ParsedResponse;
    expect([res.keepAlive, res.body.toString()]).toEqual([false, "all of it"]);
    await untilDead(events);
    expect(events).toEqual(["dead", "response"]);
    expect(conn.busy).toBe(false);
  });

  it("a server that closes without answering fails the exchange with ConnectionClosedError", async () => {
    const { origin } = await rawServer((s) => s.end());
    const { conn, events, exchange } = connect(origin);
    const err = await exchange();
    expect(err).toBeInstanceOf(ConnectionClosedError);
    expect([(err as ConnectionClosedError).reason, (err as Error).message, (err as Error).name]).toEqual([
      "ERR_CONNECTION_CLOSED",
      "server closed the connection",
      "ConnectionClosedError",
    ]);
    expect([conn.dead, conn.busy, events]).toEqual([true, false, ["dead", "error"]]);
  });

  it("a response cut short by the server's end is a ParseError", async () => {
    const { origin } = await rawServer((s) => s.end("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"));
    const { events, exchange } = connect(origin);
    const err = await exchange();
    expect(err).toBeInstanceOf(ParseError);
    expect((err as Error).message).toBe("connection closed before the response was complete");
    expect(events).toEqual(["dead", "error"]);
  });

  it("a reset fails the exchange with the socket's error, once", async () => {
    const { origin } = await rawServer((s) => s.resetAndDestroy());
    const { events, exchange } = connect(origin);
    const err = (await exchange()) as NodeJS.ErrnoException;
    expect(err.code).toBe("ECONNRESET");
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(["dead", "error"]);
  });

  it("garbage or an oversize body fails the exchange with the parser's error and kills the connection", async () => {
    const garbage = await rawServer((s) => s.write("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
    const a = connect(garbage.origin);
    const err = await a.exchange();
    expect(err).toBeInstanceOf(ParseError);
    expect([a.conn.dead, a.events]).toEqual([true, ["dead", "error"]]);

    const big = await rawServer((s) => s.write("HTTP/1.1 200 OK\r\nContent-Length: 2048\r\n\r\n"));
    const b = connect(big.origin);
    expect(await b.exchange()).toBeInstanceOf(BodyTooLargeError);
    expect(b.events).toEqual(["dead", "error"]);
  });

  it("a response nobody asked for kills the connection", async () => {
    const { origin } = await rawServer(
      () => {},
      (s) => s.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
    );
    const { conn, events } = connect(origin);
    await untilDead(events);
    expect([conn.dead, events]).toEqual([true, ["dead"]]);
  });

  it("a server closing an idle connection makes it dead without an error to anyone", async () => {
    let sock!: Socket;
    const { origin } = await rawServer((s) => {
      sock = s;
      s.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    });
    const { conn, events, exchange } = connect(origin);
    await exchange();
    sock.end();
    await untilDead(events);
    expect([conn.dead, events]).toEqual([true, ["response", "idle", "dead"]]);
  });

  it("a refused connection fails the exchange with ECONNREFUSED", async () => {
    const { origin } = await rawServer(() => {});
    servers.splice(0).forEach((s) => s.close());
    await new Promise((r) => setTimeout(r, 10));
    const { conn, events, exchange } = connect(origin);
    const err = (await exchange()) as NodeJS.ErrnoException;
    expect(err.code).toBe("ECONNREFUSED");
    expect([conn.dead, events]).toEqual([true, ["dead", "error"]]);
  });

  it("destroy() fails the exchange in flight with its reason, and reports dead only once", async () => {
    const { origin } = await rawServer(() => {});
    const { conn, events, exchange } = connect(origin);
    const pending = exchange();
    const reason = new Error("generator stopping");
    conn.destroy(reason);
    conn.destroy(new Error("again"));
    expect(await pending).toBe(reason);
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(["dead", "error"]);
  });
});
