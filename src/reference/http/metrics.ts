import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Prometheus metrics of one server instance, in a private registry (no global state). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<"route" | "method" | "status">;
  readonly latency: Histogram<"route">;
  readonly batchSize: Histogram;
  readonly batchTokens: Histogram;
  readonly shed: Counter<"reason">;
  readonly cancelledPairs: Counter;
  readonly queueTime: Histogram;

  constructor(queueDepth: () => number) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: "rerank_http_requests_total",
      help: "HTTP requests by route, method and status",
      labelNames: ["route", "method", "status"],
      registers,
    });
    this.latency = new Histogram({
      name: "rerank_http_request_duration_seconds",
      help: "HTTP request latency by route",
      labelNames: ["route"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: "rerank_queue_depth",
      help: "Scoring requests queued or running",
      registers,
      collect() {
        this.set(queueDepth());
      },
    });
    this.batchSize = new Histogram({
      name: "rerank_batch_size",
      help: "Pairs per inference micro-batch",
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers,
    });
    this.batchTokens = new Histogram({
      name: "rerank_batch_padded_tokens",
      help: "Tokens computed per inference micro-batch, padding included (rows x length, summed over its runs)",
      buckets: [64, 256, 1024, 2048, 4096, 8192, 16384],
      registers,
    });
    this.shed = new Counter({
      name: "rerank_shed_total",
      help: "Requests refused with 503 on arrival, by reason: queue_full (--max-queue), queue_time (--max-queue-time), deadline (x-request-timeout-ms)",
      labelNames: ["reason"],
      registers,
    });
    this.cancelledPairs = new Counter({
      name: "rerank_cancelled_pairs_total",
      help: "Pairs dropped before inference because their client disconnected or their deadline passed",
      registers,
    });
    this.queueTime = new Histogram({
      name: "rerank_queue_seconds",
      help: "Time a scoring request waited before its first pair ran",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
  }
}
