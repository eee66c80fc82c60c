export * from "./errors.js";
export * from "./http-client.js";
export * from "./secrets.js";
export * from "./rerank-call.js";
export * from "./exchange-recording.js";
