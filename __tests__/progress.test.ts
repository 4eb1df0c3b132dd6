import { describe, expect, it } from "vitest";
import { withProgress } from "../lib/cli/progress";

/** A clock that returns the given readings in turn (milliseconds). */
function clock(...readings: number[]): () => number {
  return () => readings.shift() ?? 0;
}

describe("withProgress", () => {
  it("stays quiet for a step of one second or less", () => {
    const lines: string[] = [];
    expect(
      withProgress(
        "report",
        () => 42,
        (l) => lines.push(l),
        clock(0, 1000),
      ),
    ).toBe(42);
    expect(lines).toEqual([]);
  });

  it("says how long a step of more than a second took", () => {
    const lines: string[] = [];
    withProgress(
      "report",
      () => undefined,
      (l) => lines.push(l),
      clock(0, 1001),
    );
    expect(lines).toEqual(["report: done in 1.0 s"]);
  });

  it("reports a step that fails, and lets the error through", () => {
    const lines: string[] = [];
    expect(() =>
      withProgress(
        "bench",
        () => {
          throw new Error("boom");
        },
        (l) => lines.push(l),
        clock(0, 2500),
      ),
    ).toThrow("boom");
    expect(lines).toEqual(["bench: done in 2.5 s"]);
  });
});

describe("withProgress for a large config", () => {
  it("names the step before it starts and always says when it is done", () => {
    const lines: string[] = [];
    withProgress(
      "writing 3 stacks",
      () => undefined,
      (l) => lines.push(l),
      clock(0, 200),
      { announce: true },
    );
    expect(lines).toEqual(["writing 3 stacks...", "writing 3 stacks: done in 0.2 s"]);
  });
});
