import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deploy } from "./deployed";
import { awsEnv, configWith, startWorld, stopWorld, type World } from "./world";

const ROOT = join(__dirname, "..", "..");
const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await stopWorld(world);
});

/** Runs a command the way `npm run` does, in a process of its own, with only the given environment. */
function run(
  script: string,
  args: string[],
): Promise<{ status: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? "", ...awsEnv(world.aws), ...world.env };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(ROOT, "lib", "live", script), ...args],
      { cwd: ROOT, env },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

describe("the commands in a process of their own", () => {
  const config = configWith([{ name: "app", project: "Default Project", policyArns: [READ_ONLY] }]);

  it("npm run adopt reads the SDK's endpoint variables and TFE_ADDRESS, writes the file, and exits 0", async () => {
    world.hcp.workspace("app");
    const path = world.config(config);
    const { status, stdout, stderr } = await run("adopt-command.ts", ["--config", path]);
    // Nothing on stderr: not the AWS SDK's warning about Node.js versions either.
    expect(stderr).toBe("");
    expect(stdout).toContain("0 imports");
    expect(status).toBe(0);
    expect(existsSync(join(world.dir, "trust.imports.json"))).toBe(true);
    expect(world.aws.requests.map((r) => r.action)).toContain("GetCallerIdentity");
  });

  it("npm run doctor exits 1 on findings and 2 when it cannot check", async () => {
    deploy(world, config);
    world.hcp.workspaces = [];
    const path = world.config(config);
    const findings = await run("doctor-command.ts", ["--config", path, "--json"]);
    expect(findings.status).toBe(1);
    expect(findings.stderr).toBe("");
    expect(JSON.parse(findings.stdout).findings[0].code).toBe("workspace-missing");
    world.hcp.token = "revoked";
    const cannot = await run("doctor-command.ts", ["--config", path]);
    expect(cannot.status).toBe(2);
    expect(cannot.stderr).toContain("refused the token");
    expect(`${findings.stdout}${cannot.stderr}`).not.toMatch(/MARKER/);
  });
});
