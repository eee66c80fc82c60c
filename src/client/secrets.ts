/**
 * Secrets (API keys) are read from environment variables only, registered here, and scrubbed
 * from everything the program prints or writes. Registration is process-wide on purpose: an
 * error message built deep inside a library cannot forget to redact.
 */
const secrets = new Set<string>();
export const REDACTED = "[REDACTED]";

/** Shorter values are not registered: redacting "a" would mangle every report. */
const MIN_SECRET_LENGTH = 4;

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

/** Reads an API key from the named environment variable and registers it for redaction. */
export function readApiKey(envName: string | undefined): string | undefined {
  if (!envName) return undefined;
  const value = process.env[envName];
  if (!value) return undefined;
  registerSecret(value);
  return value;
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}

/** Redacts every string inside a JSON-like value (for reports and evidence). */
export function redactDeep<T>(value: T): T {
  if (secrets.size === 0) return value;
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

/** Header values that carry credentials, whatever their value, are shown as redacted. */
const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization", "x-api-key", "api-key", "cookie"]);

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, CREDENTIAL_HEADERS.has(k.toLowerCase()) ? redactCredential(v) : redact(v)]));
}

function redactCredential(value: string): string {
  const scheme = /^(Bearer|Basic|Token)\s+/i.exec(value);
  return scheme ? `${scheme[1]} ${REDACTED}` : REDACTED;
}

let installed = false;

/** Wraps stdout/stderr so nothing printed, by us or a library, can carry a registered secret. */
export function installOutputRedaction(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (secrets.size > 0) {
        if (typeof chunk === "string") chunk = redact(chunk);
        else if (chunk instanceof Uint8Array) chunk = redact(Buffer.from(chunk).toString("utf8"));
      }
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}
