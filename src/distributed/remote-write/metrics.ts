// The series `load --out prometheus-rw` writes and `verdict --prometheus` reads. The first five
// are k6's own names for the same quantities (xk6-output-prometheus-remote v0.5, pkg/remotewrite:
// prefix `k6_`, Counter `_total`, Rate `_rate`, Trend in seconds as a native histogram), so one
// dashboard and one verdict serve k6 and `load` runs. Labels: testid, scenario, instance (the
// runner), status on requests, expected_response="true" on the latency of successful requests.
export const METRIC = {
  duration: "k6_http_req_duration_seconds",
  reqs: "k6_http_reqs_total",
  failed: "k6_http_req_failed_rate",
  dropped: "k6_dropped_iterations_total",
  valid: "k6_rerank_valid_rate",
  // The harness's own, for the exact achieved rate (k6 has no equivalent).
  okInWindow: "rerank_harness_ok_in_window_total",
  windowStart: "rerank_harness_window_start_seconds",
  windowSeconds: "rerank_harness_window_seconds",
  offered: "rerank_harness_offered_rps",
} as const;
