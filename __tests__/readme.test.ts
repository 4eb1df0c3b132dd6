import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** Each README code block marked `<!-- example: PATH -->`, with the file it shows. */
const examples = [...README.matchAll(/<!-- example: (\S+) -->\n```yaml\n([\s\S]*?)```\n/g)].map(
  ([, path = "", block = ""]) => [path, block] as const,
);

describe("the README", () => {
  it("shows the example configs", () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  it.each(examples)("shows %s exactly as the file holds it", (path, block) => {
    expect(existsSync(join(ROOT, path))).toBe(true);
    expect(block).toBe(readFileSync(join(ROOT, path), "utf8"));
  });

  it("gives the test command that CI runs", () => {
    expect(README).toContain("npm test ");
    expect(readFileSync(join(ROOT, ".ci", "run"), "utf8")).toMatch(/^npm test$/m);
  });
});
