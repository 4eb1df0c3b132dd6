import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSynthesizedStacks } from "../lib/synth-output";
import { synthStacks, synthStacksRaw, synthToDir } from "./helpers/synth";

const EVERYTHING = readFileSync(join(__dirname, "..", "examples", "everything.yaml"), "utf8");

describe("the in-memory synth of the tests", () => {
  it("gives the JSON, keys in order, and the dependencies that cdktf synth writes", () => {
    const outdir = synthToDir(EVERYTHING);
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { synthesizedStackPath: string; dependencies: string[] }>;
    };
    const inMemory = synthStacksRaw(EVERYTHING);
    expect(Object.keys(inMemory).sort()).toEqual(Object.keys(manifest.stacks).sort());
    for (const [name, entry] of Object.entries(manifest.stacks)) {
      const written = readFileSync(join(outdir, entry.synthesizedStackPath), "utf8");
      const { dependencies, ...json } = inMemory[name] ?? { dependencies: [] };
      // Compared as text, so the order of keys counts too.
      expect(JSON.stringify(json), name).toBe(JSON.stringify(JSON.parse(written)));
      expect(dependencies, name).toEqual(entry.dependencies);
    }
  });

  it("reads for_each instances as explain and report read the written synth", () => {
    const outdir = synthToDir(EVERYTHING);
    const expanded = synthStacks(EVERYTHING);
    for (const { name, json } of readSynthesizedStacks(outdir)) {
      const { dependencies: _, ...mine } = expanded[name] ?? { dependencies: [] };
      expect(mine, name).toEqual(json);
    }
  });
});
