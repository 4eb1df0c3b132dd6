import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/config/errors";
import {
  MAX_PINS_BYTES,
  parsePins,
  pinsPathFor,
  pinsText,
  readPins,
  writePins,
} from "../../lib/pins-file";
import type { Pins } from "../../lib/plan/pins";
import { tempDir } from "../helpers/synth";

const pins: Pins = {
  version: 1,
  organization: "acme",
  hostname: "app.terraform.io",
  organizationId: "org-AAAAAAAAAAAAAAAA",
  workspaces: { web: "ws-BBBBBBBBBBBBBBBB", app: "ws-CCCCCCCCCCCCCCCC" },
  stacks: { Apps: { net: "st-DDDDDDDDDDDDDDDD" } },
};

describe("the pins file", () => {
  it("lives beside the config like the lock", () => {
    expect(pinsPathFor("conf/prod.yaml")).toBe(join("conf", "prod.pins.json"));
    const dir = tempDir("pins-dir-");
    expect(pinsPathFor(dir)).toBe(join(dir, "trust.pins.json"));
  });

  it("is written with sorted keys, read back as written, and rewritten only when a pin changes", () => {
    const path = join(tempDir("pins-"), "trust.pins.json");
    expect(writePins(path, pins)).toBe(true);
    expect(writePins(path, pins)).toBe(false);
    expect(readPins(path)).toEqual(pins);
    expect(pinsText(pins).indexOf('"app"')).toBeLessThan(pinsText(pins).indexOf('"web"'));
  });

  it("is optional", () => {
    expect(readPins(join(tempDir("pins-"), "trust.pins.json"))).toBeUndefined();
  });

  it.each([
    ["not JSON", "{", /is not valid JSON/],
    ["of another version", JSON.stringify({ ...pins, version: 2 }), /at version/],
    ["with an unknown key", JSON.stringify({ ...pins, extra: 1 }), /not a pins file of this app/],
    [
      "with a workspace ID of another kind",
      JSON.stringify({ ...pins, workspaces: { app: "prj-AAAA" } }),
      /at workspaces\.app: is not a workspace ID/,
    ],
    [
      "with an ID holding a template sequence",
      JSON.stringify({ ...pins, organizationId: 'org-A"}${file("/etc/passwd")}' }),
      /at organizationId: is not a organization ID/,
    ],
    [
      "with a __proto__ name",
      '{"version":1,"organization":"acme","hostname":"h","workspaces":{"__proto__":"ws-A"}}',
      /"__proto__" is not a name/,
    ],
    [
      "with a key given twice",
      '{"version":1,"organization":"acme","hostname":"h","workspaces":{"app":"ws-A","app":"ws-B"}}',
      /gives a key twice \(line 1\)/,
    ],
  ])("is refused %s, with a clear message", (_, text, message) => {
    expect(() => parsePins(text, "trust.pins.json")).toThrow(message);
  });

  it("is refused above its size limit", () => {
    const dir = tempDir("pins-");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "trust.pins.json");
    writeFileSync(path, " ".repeat(MAX_PINS_BYTES + 1));
    expect(() => readPins(path)).toThrow(/over the limit/);
  });
});

describe("a pins path that holds no file", () => {
  it.each([
    ["a folder", (path: string) => mkdirSync(path), "a folder, not a file"],
    [
      "a link that leads nowhere",
      (path: string) => symlinkSync(join(path, "..", "missing.json"), path),
      "which does not exist",
    ],
  ])("is refused when it is %s, never read as no pins", (_, make, problem) => {
    const path = join(tempDir("pins-odd-"), "trust.pins.json");
    make(path);
    expect(() => readPins(path)).toThrow(ConfigError);
    expect(() => readPins(path)).toThrow(problem);
  });
});
