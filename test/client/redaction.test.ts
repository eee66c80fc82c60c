import { describe, expect, it } from "vitest";
import { installOutputRedaction, readApiKey, REDACTED, redact, redactDeep, redactHeaders, registerSecret } from "../../src/client/secrets.js";

// The registry is process-wide, so this file's tests run in order from an empty registry
// (vitest loads each test file's modules afresh).

describe("secret registry and redaction, in-process", () => {
  it("with nothing registered, values pass through untouched (the very same objects)", () => {
    const value = { a: ["x", { b: "y" }], n: 1 };
    expect(redactDeep(value)).toBe(value);
    expect(redact("nothing to hide")).toBe("nothing to hide");
  });

  it("registers values of 4 characters or more, never shorter ones or empty variables", () => {
    registerSecret("q7z");
    registerSecret(undefined);
    expect(redact("q7z")).toBe("q7z");
    registerSecret("w8k4");
    expect(redact("<w8k4>")).toBe(`<${REDACTED}>`);
    expect(readApiKey(undefined)).toBeUndefined();
    expect(readApiKey("")).toBeUndefined();
    process.env["REDACTION_TEST_EMPTY"] = "";
    expect(readApiKey("REDACTION_TEST_EMPTY")).toBeUndefined();
    process.env["REDACTION_TEST_KEY"] = "env-secret-value-1";
    expect(readApiKey("REDACTION_TEST_KEY")).toBe("env-secret-value-1");
    expect(redact("key=env-secret-value-1")).toBe(`key=${REDACTED}`);
  });

  it("replaces every occurrence of every registered secret", () => {
    registerSecret("alpha-secret");
    registerSecret("beta-secret");
    expect(redact("alpha-secret and beta-secret, again alpha-secret")).toBe(`${REDACTED} and ${REDACTED}, again ${REDACTED}`);
  });

  it("redacts strings at any depth of arrays and objects, keeping keys, numbers, booleans and null", () => {
    expect(redactDeep({ a: ["alpha-secret", { b: "x alpha-secret" }], n: 1, t: true, z: null, u: undefined })).toEqual({
      a: [REDACTED, { b: `x ${REDACTED}` }],
      n: 1,
      t: true,
      z: null,
      u: undefined,
    });
    expect(redactDeep("beta-secret")).toBe(REDACTED);
    expect(redactDeep(["beta-secret"])).toEqual([REDACTED]);
    expect(redactDeep(7)).toBe(7);
  });

  it("shows every credential header as redacted whatever its value, keeping the auth scheme", () => {
    expect(
      redactHeaders({
        Authorization: "Bearer not-registered",
        "proxy-authorization": "Basic dXNlcjpwYXNz",
        "X-Api-Key": "plain",
        "api-key": "plain",
        Cookie: "session=1",
        "x-token": "Token t",
      }),
    ).toEqual({
      Authorization: `Bearer ${REDACTED}`,
      "proxy-authorization": `Basic ${REDACTED}`,
      "X-Api-Key": REDACTED,
      "api-key": REDACTED,
      Cookie: REDACTED,
      "x-token": "Token t",
    });
    expect(redactHeaders({ authorization: "token abc" })).toEqual({ authorization: `token ${REDACTED}` });
    expect(redactHeaders({ authorization: "bearer\tabc" })).toEqual({ authorization: `bearer ${REDACTED}` });
    expect(redactHeaders({ authorization: "Bearerabc" })).toEqual({ authorization: REDACTED });
    expect(redactHeaders({ authorization: "Digest Bearer abc" })).toEqual({ authorization: REDACTED });
    // Other headers are only scrubbed of registered secrets.
    expect(redactHeaders({ "x-note": "has alpha-secret inside" })).toEqual({ "x-note": `has ${REDACTED} inside` });
  });

  it("wraps stdout and stderr once: strings and bytes carrying a secret are redacted, other arguments pass on", () => {
    const captured: Array<[string, unknown, unknown[]]> = [];
    let capturing = false;
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write;
      const name = stream === process.stdout ? "stdout" : "stderr";
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        if (capturing) {
          captured.push([name, chunk, rest]);
          return true;
        }
        return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
      }) as typeof stream.write;
    }
    try {
      installOutputRedaction();
      const wrapped = process.stdout.write;
      installOutputRedaction();
      expect(process.stdout.write).toBe(wrapped); // a second install does not wrap again
      capturing = true;
      process.stdout.write("out alpha-secret\n", "utf8");
      process.stderr.write("err beta-secret\n");
      process.stdout.write(Buffer.from("bytes alpha-secret\n"));
      process.stderr.write(new Uint8Array(Buffer.from("u8 beta-secret\n")));
      const clean = Buffer.from("no secret here\n");
      process.stdout.write(clean);
      capturing = false;
      expect(captured.slice(0, 4)).toEqual([
        ["stdout", `out ${REDACTED}\n`, ["utf8"]],
        ["stderr", `err ${REDACTED}\n`, []],
        ["stdout", `bytes ${REDACTED}\n`, []],
        ["stderr", `u8 ${REDACTED}\n`, []],
      ]);
      // Bytes are decoded (to be scrubbed) only while secrets exist; the text is unchanged.
      expect(captured[4]).toEqual(["stdout", "no secret here\n", []]);
    } finally {
      capturing = false;
    }
  });
});
