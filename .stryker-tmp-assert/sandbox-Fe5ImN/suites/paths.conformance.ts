// @ts-nocheck
import { defineAreaSuite } from "./harness.js";

await defineAreaSuite("paths");
