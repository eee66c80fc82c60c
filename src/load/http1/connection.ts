import net from "node:net";
import tls from "node:tls";
import { ParseError, ResponseParser, type ParsedResponse } from "./parser.js";
import { HarnessError } from "../../util/errors.js";

/** Where connections go. */
export interface Origin {
  host: string;
  port: number;
  tls: boolean;
  /** SNI name (not sent for IP addresses). */
  servername?: string;
  /** Certificates trusted for this origin instead of the system's (a private CA, a test's self-signed one). */
  ca?: string | Buffer;
}

/** The party a connection reports to: one exchange at a time, settled exactly once. */
export interface ConnectionUser {
  onResponse(res: ParsedResponse): void;
  onError(err: Error): void;
}

/** The socket closed before a complete response (reset, or the server gave up). */
export class ConnectionClosedError extends HarnessError {
  readonly code = "RH_CONNECTION_CLOSED";
  readonly kind = "failed";
  readonly reason = "ERR_CONNECTION_CLOSED";
}

/**
 * One keep-alive HTTP/1.1 connection carrying one request at a time (no pipelining, so a slow
 * response never delays another request). A request is a single pre-built buffer, written with
 * one call.
 */
export class Connection {
  private readonly socket: net.Socket;
  private readonly parser: ResponseParser;
  private user: ConnectionUser | undefined;
  dead = false;

  constructor(
    origin: Origin,
    maxBodyBytes: number,
    /** Called when a response completes and the connection may be reused. */
    private readonly onIdle: (c: Connection) => void,
    /** Called once when the connection can no longer be used. */
    private readonly onDead: (c: Connection) => void,
  ) {
    this.socket = origin.tls
      ? tls.connect({
          host: origin.host,
          port: origin.port,
          servername: origin.servername,
          ALPNProtocols: ["http/1.1"],
          ...(origin.ca ? { ca: origin.ca } : {}),
        })
      : net.connect({ host: origin.host, port: origin.port });
    this.socket.setNoDelay(true);
    this.parser = new ResponseParser(maxBodyBytes, (res) => this.complete(res));
    this.socket.on("data", (chunk: Buffer) => {
      try {
        this.parser.execute(chunk);
      } catch (err) {
        this.destroy(err as Error);
      }
    });
    this.socket.on("end", () => {
      try {
        this.parser.finish();
        this.destroy(new ConnectionClosedError("server closed the connection"));
      } catch (err) {
        this.destroy(err as Error);
      }
    });
    this.socket.on("error", (err) => this.destroy(err));
    this.socket.on("close", () => this.destroy(new ConnectionClosedError("connection closed before the response was complete")));
  }

  get busy(): boolean {
    return this.user !== undefined;
  }

  send(request: Buffer, user: ConnectionUser): void {
    this.user = user;
    this.socket.write(request);
  }

  /** Ends the connection; the exchange on it (if any) fails with `reason`. */
  destroy(reason: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    const user = this.user;
    this.user = undefined;
    this.onDead(this);
    user?.onError(reason);
  }

  private complete(res: ParsedResponse): void {
    const user = this.user;
    if (!user) {
      this.destroy(new ParseError("response without a request"));
      return;
    }
    this.user = undefined;
    if (!res.keepAlive) {
      this.dead = true;
      this.socket.end();
      this.onDead(this);
    }
    user.onResponse(res);
    if (!this.dead) this.onIdle(this);
  }
}
