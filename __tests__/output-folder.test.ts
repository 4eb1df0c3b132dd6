/** `cdktf synth --output DIR` reaches the app as CDKTF_OUTDIR: any DIR is created, or refused in one line. */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers/synth";

const ROOT = join(__dirname, "..");

function runApp(outdir: string) {
  return spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: ROOT,
    env: { ...process.env, TRUST_CONFIG: join(ROOT, "trust.yaml"), CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
}

describe("the output folder", () => {
  it("is created with its missing parents", () => {
    const outdir = join(tempDir("out-"), "some", "new", "dir");
    const { status, stderr } = runApp(outdir);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(existsSync(join(outdir, "manifest.json"))).toBe(true);
  });

  it("that is a file is refused in one line, with no stack trace", () => {
    const file = join(tempDir("out-"), "a-file");
    writeFileSync(file, "keep me");
    const { status, stderr } = runApp(file);
    expect(status).toBe(1);
    expect(stderr).toBe(
      `cannot write the synth output to "${file}": it is a file; give --output a folder (it is created if missing)\n`,
    );
  });

  it("under a file is refused in one line, naming the file", () => {
    const file = join(tempDir("out-"), "a-file");
    writeFileSync(file, "keep me");
    const { status, stderr } = runApp(join(file, "out"));
    expect(status).toBe(1);
    expect(stderr).toBe(
      `cannot write the synth output to "${join(file, "out")}": "${file}" is a file; give --output a folder (it is created if missing)\n`,
    );
  });
});
