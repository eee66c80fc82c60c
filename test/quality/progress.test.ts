import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createQualityProgress } from "../../src/quality/progress.js";

function fakeStream(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let out = "";
  s.on("data", (c: Buffer) => (out += c.toString()));
  Object.assign(s, { isTTY: tty, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream: s, text: () => out };
}

describe("data set progress", () => {
  it("without a terminal: a plain line every 10 s and at the end, nothing in between", () => {
    const { stream, text } = fakeStream(false);
    let now = 0;
    const p = createQualityProgress("good", 1000, stream, () => now);
    for (let done = 1; done <= 1000; done++) {
      now += 25; // 25 s in all
      p.update(done);
    }
    p.done();
    expect(text()).toBe("good: 400/1000 queries (40%)\ngood: 800/1000 queries (80%)\ngood: 1000/1000 queries (100%)\n");
  });

  it("on a terminal: a cli-progress bar", () => {
    const { stream, text } = fakeStream(true);
    const p = createQualityProgress("good", 4, stream);
    for (let done = 1; done <= 4; done++) p.update(done);
    p.done();
    expect(text()).toMatch(/good \|.*\| \d\/4 queries/);
  });
});
