import { Option, type Command } from "commander";
import { action, EXIT, UsageError } from "../cli/errors.js";
import { durationOption, intArg } from "../cli/options.js";
import { MODEL_DTYPES, SERVER_DEFAULTS, type ModelDtype } from "../reference/defaults.js";

interface ServeFlags {
  model: string;
  servedModelName?: string;
  host: string;
  port: number;
  apiKeyEnv?: string;
  maxDocuments: number;
  maxQueue: number;
  maxQueueTime: number;
  dtype: ModelDtype;
}

/** `rerank-harness serve`: the embedded reference reranker as a standalone HTTP server. */
export function define(program: Command): void {
  program
    .command("serve")
    .description("run the embedded reference reranker as an HTTP server (vLLM-shaped /rerank, /v1/rerank, /v2/rerank, /score)")
    .option("--model <model>", "bm25 (built-in), tiny-bert (built-in), a Hugging Face repo id or a model directory", SERVER_DEFAULTS.model)
    .option("--served-model-name <name>", "the model name to answer as (e.g. BAAI/bge-reranker-base); default: --model")
    .option("--host <host>", "interface to listen on", SERVER_DEFAULTS.host)
    .option("--port <port>", "port to listen on (0: a free port)", intArg(0), SERVER_DEFAULTS.port)
    .option("--api-key-env <name>", "require a bearer key (read from this environment variable) on every route but /health")
    .option("--max-documents <n>", "documents allowed per request", intArg(1), SERVER_DEFAULTS.maxDocuments)
    .option("--max-queue <n>", "hard cap: requests queued or running before new ones are shed with 503", intArg(1), SERVER_DEFAULTS.maxQueue)
    .addOption(
      durationOption(
        "--max-queue-time <duration>",
        "shed new requests with 503 + Retry-After when the expected queueing time (backlog / measured rate) exceeds this; 0: off",
        SERVER_DEFAULTS.maxQueueTimeMs,
      ),
    )
    .addOption(new Option("--dtype <dtype>", "ONNX weights variant (onnx/model_<suffix>.onnx)").choices(MODEL_DTYPES).default(SERVER_DEFAULTS.dtype))
    .addHelpText(
      "after",
      "\nWhen ready, prints one line to stdout: rerank-harness serving <name> at <url> (<onnxruntime>; <sessions> × <threads>). SIGTERM or SIGINT\n" +
        "finishes in-flight requests, then exits (saying so on stderr).\n" +
        "Work whose client disconnected is dropped before inference; a client may send x-request-timeout-ms\n" +
        "(its deadline) to have the request refused or dropped once it cannot be answered in time.\n" +
        "Hub models are cached under $HF_HOME/hub; HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE=1 are honoured.",
    )
    .action(action(serve));
}

async function serve(flags: ServeFlags): Promise<number> {
  if (flags.port > 65535) throw new UsageError(`--port ${flags.port} is out of range`);
  let apiKey: string | undefined;
  if (flags.apiKeyEnv) {
    apiKey = process.env[flags.apiKeyEnv];
    if (!apiKey) throw new UsageError(`--api-key-env ${flags.apiKeyEnv}: that environment variable is empty or unset`);
  }
  const { startReferenceServer } = await import("../reference/server.js");
  let server: Awaited<ReturnType<typeof startReferenceServer>>;
  try {
    server = await startReferenceServer({
      model: flags.model,
      servedModelName: flags.servedModelName,
      host: flags.host,
      port: flags.port,
      apiKey,
      maxDocuments: flags.maxDocuments,
      maxQueue: flags.maxQueue,
      maxQueueTimeMs: flags.maxQueueTime,
      modelOptions: { dtype: flags.dtype, log: (line) => process.stderr.write(`${line}\n`) },
      logger: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (err) {
    // Model failures are kind startup (exit 2) already; a listen failure is said in the flags' words.
    const listen = listenProblem(err as NodeJS.ErrnoException, flags);
    if (listen) throw new UsageError(listen);
    throw err;
  }
  const runs = flags.model === server.modelName ? "" : ` (model ${flags.model})`;
  const { replicas, threads } = server.layout;
  const layout = `${replicas} ${replicas === 1 ? "session" : "sessions"} × ${threads} ${threads === 1 ? "thread" : "threads"}`;
  process.stdout.write(`rerank-harness serving ${server.modelName}${runs} at ${server.url} (${server.runtime}; ${layout})\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`${signal}: finishing in-flight requests\n`);
      void server.close().then(resolve);
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  return EXIT.ok;
}

/** Why the server could not listen, as one line naming the flag; undefined for other errors. */
function listenProblem(err: NodeJS.ErrnoException, flags: ServeFlags): string | undefined {
  switch (err.code) {
    case "EADDRINUSE":
      return `--port ${flags.port}: address ${flags.host}:${flags.port} is already in use`;
    case "EACCES":
      return `--port ${flags.port}: permission denied (ports below 1024 need privileges)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
      return `--host ${flags.host}: not an address or a host name that resolves (${err.code})`;
    case "EADDRNOTAVAIL":
      return `--host ${flags.host}: not an address of this machine (${err.code})`;
    default:
      return undefined;
  }
}
