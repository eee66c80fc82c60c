import { errors as undiciErrors } from "undici";
import { describe, expect, it } from "vitest";
import { toTransportError } from "../../src/client/http-client.js";
import { TransportError } from "../../src/client/errors.js";
import { registerSecret } from "../../src/client/secrets.js";

// What undici or the socket throws, classified. Most of these causes (a connect timeout, EPIPE,
// an undici copy of another version) cannot be provoked reliably on loopback, so the
// classification is pinned here with the errors themselves; http-client.test.ts covers the
// ones a local server can provoke end to end.

const coded = (code: string, message = "m") => Object.assign(new Error(message), { code });
const classify = (err: unknown, { deadline = false, gotHeaders = false } = {}) => toTransportError(err, 42, deadline, 500, gotHeaders);

describe("toTransportError", () => {
  it("maps each undici and socket code to its transport code and a message saying what happened", () => {
    const table: Array<[string, string, string]> = [
      ["UND_ERR_CONNECT_TIMEOUT", "ERR_CONNECT_TIMEOUT", "connect timed out: m"],
      ["ECONNREFUSED", "ERR_CONNECTION_REFUSED", "connection refused: m"],
      ["ECONNRESET", "ERR_CONNECTION_RESET", "connection reset or closed: m"],
      ["EPIPE", "ERR_CONNECTION_RESET", "connection reset or closed: m"],
      ["UND_ERR_SOCKET", "ERR_CONNECTION_RESET", "connection reset or closed: m"],
      ["UND_ERR_CLOSED", "ERR_CONNECTION_RESET", "connection reset or closed: m"],
      ["UND_ERR_HEADERS_OVERFLOW", "ERR_NOT_HTTP", "not a valid HTTP response: m"],
      ["UND_ERR_RESPONSE_STATUS_CODE", "ERR_NOT_HTTP", "not a valid HTTP response: m"],
      ["HPE_INVALID_CONSTANT", "ERR_NOT_HTTP", "not a valid HTTP response: m"],
      // Any other llhttp code is a parse failure too; an unknown code is a plain transport error.
      ["HPE_INVALID_HEADER_TOKEN", "ERR_NOT_HTTP", "not a valid HTTP response: m"],
      ["XHPE_", "ERR_TRANSPORT", "transport error: m"],
      ["EHOSTUNREACH", "ERR_TRANSPORT", "transport error: m"],
      ["UND_ERR_HEADERS_TIMEOUT", "ERR_HEADERS_TIMEOUT", "transport error: m"],
      ["UND_ERR_BODY_TIMEOUT", "ERR_BODY_TIMEOUT", "transport error: m"],
    ];
    for (const [code, expected, message] of table) {
      const err = classify(coded(code));
      expect([err.reason, err.message, err.elapsedMs], code).toEqual([expected, message, 42]);
    }
    expect(classify(new Error("no code")).reason).toBe("ERR_TRANSPORT");
  });

  it("reads the code and message of the cause when the error wraps one", () => {
    const err = classify(Object.assign(new TypeError("fetch failed"), { cause: coded("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1") }));
    expect([err.reason, err.message]).toEqual(["ERR_CONNECTION_REFUSED", "connection refused: connect ECONNREFUSED 127.0.0.1:1"]);
    // The error's own code wins over its cause's.
    expect(classify(Object.assign(coded("ECONNRESET"), { cause: coded("ECONNREFUSED") })).reason).toBe("ERR_CONNECTION_RESET");
  });

  it("describes a thrown non-Error by its string form", () => {
    expect(classify("boom").message).toBe("transport error: boom");
  });

  it("keeps registered secrets out of the message", () => {
    registerSecret("sk-classify-secret-9");
    expect(classify(coded("ECONNRESET", "reset at https://h/?key=sk-classify-secret-9")).message).toBe(
      "connection reset or closed: reset at https://h/?key=[REDACTED]",
    );
  });

  it("a hit deadline is a request timeout naming the phase, whatever was thrown", () => {
    const before = classify(coded("ECONNRESET"), { deadline: true });
    expect([before.reason, before.message, before.isTimeout]).toEqual([
      "ERR_REQUEST_TIMEOUT",
      "no complete response within 500 ms (waiting for the response)",
      true,
    ]);
    expect(classify(new Error("aborted"), { deadline: true, gotHeaders: true }).message).toBe("no complete response within 500 ms (waiting for the body)");
  });

  it("passes a TransportError through unchanged, even past the deadline", () => {
    const own = new TransportError("ERR_RESPONSE_TOO_LARGE", "too big", 3);
    expect(classify(own, { deadline: true })).toBe(own);
  });

  it("an HTTP parse error, from this undici or another copy (matched by name), is 'not a valid HTTP response'", () => {
    const parser = new undiciErrors.HTTPParserError("Response does not match the HTTP/1.1 protocol (Invalid header token)");
    expect([classify(parser).reason, classify(parser).message]).toEqual([
      "ERR_NOT_HTTP",
      "not a valid HTTP response: Response does not match the HTTP/1.1 protocol (Invalid header token)",
    ]);
    const foreign = Object.assign(new Error("Expected HTTP/"), { name: "HTTPParserError" });
    expect([classify(foreign).reason, classify(foreign).message]).toEqual(["ERR_NOT_HTTP", "not a valid HTTP response: Expected HTTP/"]);
    expect(classify(Object.assign(new Error("x"), { name: "OtherError" })).reason).toBe("ERR_TRANSPORT");
  });

  it("a TLS request answered in plain HTTP says to use http://, by code or by OpenSSL's message", () => {
    const hint = "the server answered plain HTTP to a TLS request; use http://";
    expect(classify(coded("ERR_SSL_WRONG_VERSION_NUMBER", "ssl3_get_record")).message).toBe(hint);
    expect(classify(coded("EPROTO", "routines:ssl3_get_record:wrong version number")).message).toBe(hint);
    expect(classify(coded("EPROTO", "routines:ssl3_get_record:wrong version number")).reason).toBe("ERR_TRANSPORT");
  });

  it("undici's own header and body timeouts name the timeout", () => {
    const body = classify(new undiciErrors.BodyTimeoutError());
    expect([body.reason, body.message]).toEqual(["ERR_BODY_TIMEOUT", "body stalled past 500 ms"]);
    const headers = classify(new undiciErrors.HeadersTimeoutError());
    expect([headers.reason, headers.message]).toEqual(["ERR_HEADERS_TIMEOUT", "no headers within 500 ms"]);
  });
});
