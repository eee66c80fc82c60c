// @ts-nocheck
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server whose every response is decided by `behaviour`; close() also kills open sockets. */
export async function startServer(behaviour: Behaviour): Promise<{ url: string; close: () => Promise<void>; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer(behaviour);
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
