import { defineAreaSuite } from "./harness.js";

await defineAreaSuite("fidelity");
