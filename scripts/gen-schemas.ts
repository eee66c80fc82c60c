/** Writes schemas/*.schema.json from the reports' zod schemas: `npm run schemas`. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderJsonSchemas } from "../src/report/json-schemas.js";

const dir = new URL("../schemas/", import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
for (const [file, text] of Object.entries(renderJsonSchemas())) {
  writeFileSync(join(dir, file), text);
  console.log(`wrote schemas/${file}`);
}
