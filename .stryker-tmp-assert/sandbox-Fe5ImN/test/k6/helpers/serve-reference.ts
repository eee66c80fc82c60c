// @ts-nocheck
import { startReferenceServer } from "../../../src/reference/server.js";

// Runs the embedded reference in its own process, for tests whose client blocks the event
// loop (synchronous HTTP, as k6 does). Prints the URL once listening; stops on SIGTERM.
const server = await startReferenceServer({ model: "bm25", port: 0, apiKey: process.env.REFERENCE_API_KEY });
process.stdout.write(`${JSON.stringify({ url: server.url, modelName: server.modelName })}\n`);
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
