import { describe, expect, it } from "vitest";
import { formatBytes, ResponseTooLargeError, TransportError, type TransportErrorCode } from "../../src/client/errors.js";

describe("transport error classification", () => {
  const timeouts: TransportErrorCode[] = ["ERR_CONNECT_TIMEOUT", "ERR_HEADERS_TIMEOUT", "ERR_BODY_TIMEOUT", "ERR_REQUEST_TIMEOUT"];
  const others: TransportErrorCode[] = [
    "ERR_CONNECTION_REFUSED",
    "ERR_CONNECTION_RESET",
    "ERR_NOT_HTTP",
    "ERR_RESPONSE_TOO_LARGE",
    "ERR_INVALID_URL",
    "ERR_TRANSPORT",
  ];

  it("counts exactly the *_TIMEOUT codes as timeouts", () => {
    for (const code of timeouts) expect(new TransportError(code, "m", 1).isTimeout, code).toBe(true);
    for (const code of others) expect(new TransportError(code, "m", 1).isTimeout, code).toBe(false);
  });

  it("keeps code, message, elapsed time and a name that says what it is", () => {
    const err = new TransportError("ERR_CONNECTION_RESET", "reset by peer", 12.5);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("TransportError");
    expect([err.reason, err.message, err.elapsedMs]).toEqual(["ERR_CONNECTION_RESET", "reset by peer", 12.5]);
    expect(String(err)).toBe("TransportError: reset by peer");
  });

  it("an oversize body is a transport error that is not a timeout, with the cap in the message and the head kept", () => {
    const err = new ResponseTooLargeError(16 << 20, 40, '{"results": [');
    expect(err).toBeInstanceOf(TransportError);
    expect(err.name).toBe("ResponseTooLargeError");
    expect(err.reason).toBe("ERR_RESPONSE_TOO_LARGE");
    expect(err.isTimeout).toBe(false);
    expect(err.message).toBe("response body exceeds the 16 MiB cap; reading stopped");
    expect([err.limitBytes, err.elapsedMs, err.head]).toEqual([16 << 20, 40, '{"results": [']);
  });
});

describe("formatBytes", () => {
  it("uses B below 1 KiB, KiB below 1 MiB, MiB above; whole numbers without a decimal", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1024)).toBe("1 KiB");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(1025)).toBe("1.0 KiB");
    expect(formatBytes((1 << 20) - 1)).toBe("1024.0 KiB");
    expect(formatBytes(1 << 20)).toBe("1 MiB");
    expect(formatBytes(16 << 20)).toBe("16 MiB");
    expect(formatBytes((1 << 20) + (1 << 19))).toBe("1.5 MiB");
    expect(formatBytes((1 << 20) + 1024)).toBe("1.0 MiB");
  });
});
