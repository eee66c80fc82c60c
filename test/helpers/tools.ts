import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

// Optional tools some tests use for an independent opinion. Where one is missing, those tests
// are skipped visibly (it.skipIf), never passed by returning early.

export const CHROMIUM = "/usr/bin/chromium";
export const HAS_CHROMIUM = existsSync(CHROMIUM);

/** Headless Debian Chromium through playwright-core, without sandbox, GPU or background traffic (guard with HAS_CHROMIUM). */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
export const HAS_PYTHON3 = spawnSync("python3", ["--version"], { stdio: "ignore" }).status === 0;

/** Parses `file` with Python's XML parser (needs python3: guard the test with HAS_PYTHON3). */
export function assertWellFormedXml(file: string): void {
  try {
    execFileSync("python3", ["-c", "import sys,xml.etree.ElementTree as E; E.parse(sys.argv[1])", file], { stdio: "pipe" });
  } catch (err) {
    throw new Error(`not well-formed XML: ${(err as { stderr?: Buffer }).stderr?.toString() ?? (err as Error).message}`);
  }
}
