import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { baseConfig, tempDir } from "./helpers/synth";

const ROOT = join(__dirname, "..");

/** `npx cdktf synth` as a user runs it, on a config of its own, into a fresh folder. */
function cdktfSynth(config: Record<string, unknown>) {
  const dir = tempDir("cli-");
  const path = join(dir, "trust.yaml");
  writeFileSync(path, stringify(config));
  const result = spawnSync(
    join(ROOT, "node_modules", ".bin", "cdktf"),
    ["synth", "--output", join(dir, "out")],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        TRUST_CONFIG: path,
        CHECKPOINT_DISABLE: "1",
        CI: "",
        FORCE_COLOR: "0",
      },
      encoding: "utf8",
    },
  );
  // The CLI redraws a spinner with escape sequences; what a person reads is the text.
  const plain = (text: string) => stripVTControlCharacters(text);
  return {
    status: result.status,
    stdout: plain(result.stdout),
    stderr: plain(result.stderr),
    path,
  };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe("npx cdktf synth", () => {
  it("prints each of the app's warnings once, whole, and not as an error", () => {
    const admin = {
      name: "app",
      policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
      allowAdmin: true,
    };
    const { status, stdout, stderr, path } = cdktfSynth(baseConfig({ workspaces: [admin] }));
    expect(status).toBe(0);
    const warning = `Warning: ${path} line 8: workspaces[0].policyArns[0]: [admin-access-needs-opt-in] workspace app gets AdministratorAccess\n`;
    expect(count(stdout + stderr, warning)).toBe(1);
    expect(stdout).toMatch(/^1 warning: listed first in .*trust-report\.md$/m);
    expect(stdout + stderr).not.toMatch(/\[ERROR\].*Warning: /);
  }, 120_000);

  it("prints a config error once, whole, and exits 1", () => {
    const { status, stdout, stderr, path } = cdktfSynth(baseConfig({ workspaces: [] }));
    expect(status).toBe(1);
    const problem =
      "  - line 5: workspaces: the workspaces list is empty; list at least one workspace (name and policyArns)";
    expect(count(stdout + stderr, problem)).toBe(1);
    expect(stdout).toContain(`ERROR [hcp-aws-trust]: Invalid config ${path}`);
    expect(stdout + stderr).not.toContain("Command output on stderr");
    expect(stdout + stderr).not.toMatch(/^\s+at /m);
  }, 120_000);
});
