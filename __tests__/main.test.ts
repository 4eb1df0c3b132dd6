import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { readSynthesizedStacks } from "../lib/synth-output";
import { configFingerprint, readSynthRecord } from "../lib/synth-record";
import { baseConfig, synth, tempDir } from "./helpers/synth";

const ROOT = join(__dirname, "..");

/** Runs the app the way the cdktf CLI does (`node --import tsx main.ts`), writing to a fresh folder. */
function runApp(env: Record<string, string>) {
  const outdir = join(tempDir("main-"), "cdktf.out");
  const result = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
    cwd: ROOT,
    // Not in CI unless a test says so: CI refuses local state (see lib/deploy-environment.ts).
    env: { ...process.env, CI: "", ...env, CDKTF_OUTDIR: outdir },
    encoding: "utf8",
  });
  return { ...result, outdir };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe("the app", () => {
  it("synthesizes the shipped example config", () => {
    const { status, stdout, stderr, outdir } = runApp({ TRUST_CONFIG: join(ROOT, "trust.yaml") });
    expect(stderr).toBe("");
    // A small config without warnings, and no move to plan: nothing to say.
    expect(stdout).toBe("");
    expect(status).toBe(0);
    const roles = readSynthesizedStacks(outdir).flatMap(({ json }) =>
      Object.entries(json.resource?.aws_iam_role ?? {}),
    );
    const example = parse(readFileSync(join(ROOT, "trust.yaml"), "utf8"));
    expect(roles.map(([address]) => address).sort()).toEqual(
      example.workspaces.map((ws: { name: string }) => `roles["ws_${ws.name}"]`).sort(),
    );
    const report = readFileSync(join(outdir, "trust-report.md"), "utf8");
    for (const [, role] of roles) expect(report).toContain(`| \`${String(role.name)}\` |`);
  });

  it("reads trust.yaml from the working folder when TRUST_CONFIG is not set", () => {
    const { TRUST_CONFIG: _, ...env } = process.env;
    const outdir = join(tempDir("main-"), "cdktf.out");
    const result = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
      cwd: ROOT,
      env: { ...env, CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    expect(existsSync(join(outdir, "manifest.json"))).toBe(true);
  });

  it("fails on a bad config with one clear message, no stack trace, and writes nothing", () => {
    const dir = tempDir("bad-");
    const path = join(dir, "trust.yaml");
    writeFileSync(path, stringify(baseConfig({ hcp: { organization: "acme*" }, workspaces: [] })));
    const { status, stdout, stderr, outdir } = runApp({ TRUST_CONFIG: path });
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      [
        `Invalid config ${path} (2 problems):`,
        `  - line 2: hcp.organization: "acme*" is not a valid organization name: '*' would act as a wildcard in the trust policy's StringLike match. Allowed: 1 to 255 characters: letters, digits, '-' and '_'`,
        "  - line 5: workspaces: the workspaces list is empty; list at least one workspace (name and policyArns)",
        "Fix these first; the safety rules run after.",
        "",
      ].join("\n"),
    );
    expect(existsSync(outdir)).toBe(false);
  });

  it("refuses administrator access without an opt-out, and writes nothing", () => {
    const dir = tempDir("admin-");
    const path = join(dir, "trust.yaml");
    const admin = { name: "app", policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] };
    writeFileSync(path, stringify(baseConfig({ workspaces: [admin] })));
    const { status, stderr, outdir } = runApp({ TRUST_CONFIG: path });
    expect(status).toBe(1);
    expect(stderr).toBe(
      `Unsafe config:\n  - ${path} line 8: workspaces[0].policyArns[0]: [admin-access-needs-opt-in] workspace app gets AdministratorAccess (set allowAdmin: true on the workspace to accept it)\n`,
    );
    expect(existsSync(outdir)).toBe(false);
  });

  it("warns on every synth about administrator access that was opted into", () => {
    const dir = tempDir("admin-");
    const path = join(dir, "trust.yaml");
    const admin = {
      name: "app",
      policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
      allowAdmin: true,
    };
    writeFileSync(path, stringify(baseConfig({ workspaces: [admin] })));
    for (let run = 0; run < 2; run++) {
      const { status, stdout, stderr, outdir } = runApp({ TRUST_CONFIG: path });
      expect(status).toBe(0);
      // On stdout, once: the cdktf CLI shows an app's stdout as it is, but logs stderr as [ERROR].
      expect(stderr).toBe("");
      expect(stdout).toBe(
        [
          `Warning: ${path} line 8: workspaces[0].policyArns[0]: [admin-access-needs-opt-in] workspace app gets AdministratorAccess`,
          `1 warning: listed first in ${join(outdir, "trust-report.md")}`,
          // The first synth writes the layout lock beside the config; the second finds it unchanged.
          ...(run === 0
            ? [`The layout changed: commit ${join(dir, "trust.lock.json")} with the config.`]
            : []),
          "",
        ].join("\n"),
      );
      expect(existsSync(join(outdir, "manifest.json"))).toBe(true);
    }
  });

  it("says which stack to deploy first when a move cannot import a workspace's variables", () => {
    const dir = tempDir("varset-");
    const path = join(dir, "trust.yaml");
    const ws = (project: string) => ({
      workspaces: [
        {
          name: "x-varset-abcdefghijklmnop",
          project,
          policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        },
      ],
    });
    writeFileSync(path, stringify(baseConfig(ws("Apps"))));
    expect(runApp({ TRUST_CONFIG: path }).status).toBe(0);
    writeFileSync(path, stringify(baseConfig(ws("Tools"))));
    const { status, stdout } = runApp({ TRUST_CONFIG: path });
    expect(status).toBe(0);
    const why =
      'workspace "x-varset-abcdefghijklmnop" ends like a variable set ID, so the tfe provider would import its variables from a set';
    for (const key of ["TFC_AWS_PROVIDER_AUTH", "TFC_AWS_RUN_ROLE_ARN"]) {
      expect(stdout).toContain(
        `Moving tfe_variable.variables["ws_x-varset-abcdefghijklmnop_${key}"] without import (${why}): deploy hcp-aws-trust-default.Apps first, which destroys it, then hcp-aws-trust-default.Tools, which creates it again`,
      );
    }
    expect(stdout).toContain(
      'Moving aws_iam_role.roles["ws_x-varset-abcdefghijklmnop"] from hcp-aws-trust-default.Apps to hcp-aws-trust-default.Tools: hcp-aws-trust-default.Apps forgets it, hcp-aws-trust-default.Tools imports it',
    );
  });

  it("plans moves from the deploy record beside the lock, warning of stacks it does not know for sure, and prints each move's step", () => {
    const dir = tempDir("record-");
    const path = join(dir, "trust.yaml");
    const app = (project: string) =>
      baseConfig({
        workspaces: [
          { name: "app", project, policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
        ],
      });
    writeFileSync(path, stringify(app("Apps")));
    expect(runApp({ TRUST_CONFIG: path }).status).toBe(0);
    writeFileSync(
      join(dir, "trust.deployed.json"),
      JSON.stringify({
        version: 1,
        deploys: 1,
        stacks: {
          "hcp-aws-trust-default.Apps": {
            account: "default",
            kind: "project",
            members: { "aws_iam_role.roles": { ws_app: "tfc-acme-app" } },
            attempted: 1,
            unverified: true,
          },
        },
      }),
    );
    writeFileSync(path, stringify(app("Tools")));
    const { status, stdout } = runApp({ TRUST_CONFIG: path });
    expect(status).toBe(0);
    expect(stdout).not.toContain("no deploy record");
    expect(stdout).toContain(
      'Warning: the deploy record does not know for sure what hcp-aws-trust-default.Apps holds (a deploy failed, and the state could not be read): deploy it with "npm run deploy" before moving workspaces between stacks.',
    );
    expect(stdout).toContain(
      'Moving aws_iam_role.roles["ws_app"] from hcp-aws-trust-default.Apps to hcp-aws-trust-default.Tools: hcp-aws-trust-default.Tools imports it; hcp-aws-trust-default.Apps keeps it until the deploy record shows hcp-aws-trust-default.Tools holds it (nothing is destroyed)',
    );
  });

  it("fails on a missing config file, naming it", () => {
    const { status, stderr, outdir } = runApp({ TRUST_CONFIG: "/nonexistent/trust.yaml" });
    expect(status).toBe(1);
    expect(stderr).toContain('config file "/nonexistent/trust.yaml" not found');
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(outdir)).toBe(false);
  });

  it("never writes credentials from the environment into its output", () => {
    const markers = {
      TFE_TOKEN: "marker-tfe-token-8c1f",
      AWS_ACCESS_KEY_ID: "AKIAMARKER0000000001",
      AWS_SECRET_ACCESS_KEY: "marker-secret-access-key-51d2",
      AWS_SESSION_TOKEN: "marker-session-token-77ab",
    };
    const { status, outdir } = runApp({ ...markers, TRUST_CONFIG: join(ROOT, "trust.yaml") });
    expect(status).toBe(0);
    const files = filesUnder(outdir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const marker of Object.values(markers)) expect(text).not.toContain(marker);
    }
  });
});

describe("the shipped example", () => {
  it("is valid and gives each workspace a role and its variables", () => {
    const stack = synth(readFileSync(join(ROOT, "trust.yaml"), "utf8"));
    expect(Object.keys(stack.resource?.aws_iam_role ?? {}).length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(stack.resource?.tfe_variable ?? {}).length).toBeGreaterThanOrEqual(4);
  });
});

describe("the app's record of each synth", () => {
  it("names the config, its hash and the warnings beside the stacks", () => {
    const { status, outdir } = runApp({ TRUST_CONFIG: join(ROOT, "trust.yaml") });
    expect(status).toBe(0);
    const record = readSynthRecord(outdir);
    expect(record).toMatchObject({
      status: "ok",
      configPath: join(ROOT, "trust.yaml"),
      configSha256: configFingerprint(join(ROOT, "trust.yaml")),
      warnings: [],
    });
    expect(readFileSync(join(outdir, "trust-report.md"), "utf8")).toMatch(
      /made from .*trust\.yaml at \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
    );
  });

  it("marks an earlier output as failed when a later synth fails, and removes its report and plan file", () => {
    const path = join(tempDir("then-bad-"), "trust.yaml");
    writeFileSync(path, stringify(baseConfig()));
    const outdir = join(tempDir("main-"), "cdktf.out");
    const run = () =>
      spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
        cwd: ROOT,
        env: { ...process.env, CI: "", TRUST_CONFIG: path, CDKTF_OUTDIR: outdir },
        encoding: "utf8",
      });
    expect(run().status).toBe(0);
    expect(existsSync(join(outdir, "trust-report.md"))).toBe(true);
    expect(existsSync(join(outdir, "trust-plan.json"))).toBe(true);
    writeFileSync(path, stringify(baseConfig({ workspaces: [] })));
    const failed = run();
    expect(failed.status).toBe(1);
    expect(readSynthRecord(outdir)).toMatchObject({ status: "failed" });
    expect(readSynthRecord(outdir)?.error).toContain("the workspaces list is empty");
    expect(existsSync(join(outdir, "trust-report.md"))).toBe(false);
    expect(existsSync(join(outdir, "trust-report.json"))).toBe(false);
    expect(existsSync(join(outdir, "trust-plan.json"))).toBe(false);
  });
});

describe("the app in CI", () => {
  const local = () => {
    const path = join(tempDir("ci-"), "trust.yaml");
    writeFileSync(path, stringify(baseConfig()));
    return path;
  };

  it("refuses a config without a backend when CI=true: the state would vanish with the runner", () => {
    const { status, stderr, outdir } = runApp({ TRUST_CONFIG: local(), CI: "true" });
    expect(status).toBe(1);
    expect(stderr).toMatch(
      /^backend: the config has no backend, so each stack's state would be a local file/,
    );
    expect(stderr).toContain("TRUST_ALLOW_LOCAL_STATE=1");
    expect(existsSync(outdir)).toBe(false);
  });

  it("accepts it with the explicit opt-out, and a config with a backend without one", () => {
    expect(runApp({ TRUST_CONFIG: local(), CI: "true", TRUST_ALLOW_LOCAL_STATE: "1" }).status).toBe(
      0,
    );
    const s3 = join(tempDir("ci-"), "trust.yaml");
    writeFileSync(
      s3,
      stringify(
        baseConfig({
          backend: { s3: { bucket: "acme-state", keyPrefix: "k/", region: "us-east-1" } },
        }),
      ),
    );
    expect(runApp({ TRUST_CONFIG: s3, CI: "true" }).status).toBe(0);
  });
});

describe("the app's progress", () => {
  it("names each long step of a large config before it starts, on stdout", () => {
    const path = join(tempDir("large-"), "trust.yaml");
    const workspaces = Array.from({ length: 250 }, (_, i) => ({
      name: `ws-${i}`,
      policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    }));
    writeFileSync(path, stringify(baseConfig({ workspaces })));
    const { status, stdout, stderr } = runApp({ TRUST_CONFIG: path });
    expect(status).toBe(0);
    expect(stderr).toBe("");
    const lines = stdout.trim().split("\n");
    expect(lines).toContain(
      "checking the safety rules and building the stacks of 250 workspaces and projects...",
    );
    expect(lines.some((l) => /^writing 2 stacks to .*cdktf\.out\.\.\.$/.test(l))).toBe(true);
    expect(lines).toContain("writing the trust report...");
    expect(lines.filter((l) => /: done in \d+\.\d s$/.test(l))).toHaveLength(3);
  });
});
