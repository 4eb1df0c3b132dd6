import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runExplain } from "../lib/cli/explain";
import { baseConfig, synthToDir, tempDir, workspace } from "./helpers/synth";
import { moduleTestClaims, runClaims, signToken } from "./helpers/tokens";

const ROOT = join(__dirname, "..");
const ORG = "acme-corp";
const sub = (project: string, ws: string, phase = "plan") =>
  `organization:${ORG}:project:${project}:workspace:${ws}:run_phase:${phase}`;

let outdir: string;

beforeAll(() => {
  outdir = synthToDir(readFileSync(join(ROOT, "trust.yaml"), "utf8"));
});

function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = runExplain([...args, "--out", outdir], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { status, stdout: out.join("\n"), stderr: err.join("\n") };
}

function lineOf(stdout: string, roleName: string): string {
  // The --all listing: one line per role, its verdict first.
  const line = stdout
    .split("\n")
    .find((l) => /^(ALLOWED|denied ) {2}/.test(l) && l.includes(`  ${roleName}  `));
  if (line === undefined) throw new Error(`no line for ${roleName} in:\n${stdout}`);
  return line;
}

describe("explain with --sub", () => {
  it("allows a workspace's own plan token for its role only, and exits 0", () => {
    const { status, stdout } = run("--sub", sub("Default Project", "networking-prod"), "--all");
    expect(status).toBe(0);
    expect(lineOf(stdout, "tfc-acme-corp-networking-prod")).toMatch(/^ALLOWED /);
    expect(lineOf(stdout, "tfc-acme-corp-app-billing-prod")).toMatch(/^denied /);
    expect(lineOf(stdout, "tfc-acme-corp-sandbox")).toMatch(/^denied /);
    expect(stdout).toContain("1 of 3 roles admits this token:");
  });

  it("allows an apply token too", () => {
    const { status, stdout } = run("--sub", sub("Billing", "app-billing-prod", "apply"), "--all");
    expect(status).toBe(0);
    expect(lineOf(stdout, "tfc-acme-corp-app-billing-prod")).toMatch(/^ALLOWED /);
  });

  it("allows a workspace without a project in the config from any project", () => {
    const { status, stdout } = run("--sub", sub("Whatever Project", "sandbox"), "--all");
    expect(status).toBe(0);
    expect(lineOf(stdout, "tfc-acme-corp-sandbox")).toMatch(/^ALLOWED /);
  });

  it.each([
    [
      "another organization",
      `organization:acme-corp2:project:Default Project:workspace:networking-prod:run_phase:plan`,
    ],
    ["another project", sub("Default Project 2", "networking-prod")],
    ["another workspace", sub("Default Project", "networking-prod-2")],
  ])(
    "denies %s, showing the expected sub pattern beside the actual sub, and exits 1",
    (_, actual) => {
      const { status, stdout } = run("--sub", actual, "--all");
      expect(status).toBe(1);
      expect(stdout).toContain("No role admits this token (0 of 3 roles).");
      expect(stdout).toContain(
        `subject: expected app.terraform.io:sub StringLike ${sub("Default Project", "networking-prod", "*")}`,
      );
      expect(stdout).toContain(`got      app.terraform.io:sub = ${actual}`);
      expect(stdout).not.toMatch(/issuer:|audience:/);
    },
  );

  it("denies a module test run as a token of another kind, saying so for every role", () => {
    const { status, stdout } = run("--sub", moduleTestClaims(ORG, "networking-prod").sub, "--all");
    expect(status).toBe(1);
    expect(stdout).toContain(
      "No role admits this token (0 of 3 roles): this is a module test run token, and none of them is a module test run role.",
    );
    expect(stdout).toContain("kind: a workspace run role; this is a module test run token");
    expect(stdout).not.toMatch(/subject:|issuer:|audience:/);
  });

  it("denies a Stack token whose names are a project-less workspace's fields, naming the kinds", () => {
    // The workspace `sandbox` has no project: its pattern is `project:*:workspace:sandbox:...`.
    const crafted = `organization:${ORG}:project:ANY:stack:workspace:deployment:sandbox:operation:plan`;
    const { status, stdout } = run("--sub", crafted);
    expect(status).toBe(1);
    expect(stdout).toContain("No role admits this token (0 of 3 roles)");
    expect(stdout).toContain("kind: a workspace run role; this is a Stack deployment token");
  });

  it("denies a wrong audience, naming the audience check only", () => {
    const { status, stdout } = run(
      "--sub",
      sub("Default Project", "networking-prod"),
      "--aud",
      "sts.amazonaws.com",
      "--all",
    );
    expect(status).toBe(1);
    const section = stdout.slice(stdout.indexOf("\ndenied   tfc-acme-corp-networking-prod") + 10);
    expect(section).toMatch(
      /^tfc-acme-corp-networking-prod.*\n\s+audience: expected app\.terraform\.io:aud StringEquals aws\.workload\.identity\n\s+got\s+app\.terraform\.io:aud = sts\.amazonaws\.com\n(denied|\n)/,
    );
  });

  it("denies another issuer, naming the provider the role trusts and the one that verifies the token", () => {
    const { status, stdout } = run(
      "--sub",
      sub("Default Project", "networking-prod"),
      "--host",
      "tfe.example.com",
      "--all",
    );
    expect(status).toBe(1);
    expect(stdout).toContain(
      "issuer: expected arn:aws:iam::000000000000:oidc-provider/app.terraform.io",
    );
    expect(stdout).toContain(
      "got      https://tfe.example.com (verified by arn:aws:iam::000000000000:oidc-provider/tfe.example.com)",
    );
    expect(stdout).toContain("000000000000 stands for the account a stack is deployed to");
    const section = stdout.slice(
      stdout.indexOf("\ndenied   tfc-acme-corp-networking-prod"),
      stdout.indexOf("denied   tfc-acme-corp-sandbox"),
    );
    expect(section).not.toMatch(/subject:|audience:/);
  });

  it("prints JSON with --json", () => {
    const { status, stdout } = run("--sub", sub("Default Project", "networking-prod"), "--json");
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.allowed).toBe(1);
    expect(result.token).toEqual({
      iss: "https://app.terraform.io",
      aud: "aws.workload.identity",
      sub: sub("Default Project", "networking-prod"),
      signatureChecked: false,
    });
    const sandbox = result.roles.find(
      (r: { roleName: string }) => r.roleName === "tfc-acme-corp-sandbox",
    );
    expect(sandbox).toEqual({
      stack: "hcp-aws-trust-default.any.project",
      address: 'aws_iam_role.roles["ws_sandbox"]',
      roleName: "tfc-acme-corp-sandbox",
      admits: "workspace run",
      decision: "ImplicitlyDenied",
      failures: [
        {
          check: "subject",
          expected: [
            `app.terraform.io:sub StringLike organization:${ORG}:project:*:workspace:sandbox:run_phase:*`,
          ],
          actual: `app.terraform.io:sub = ${sub("Default Project", "networking-prod")}`,
        },
      ],
    });
  });
});

describe("explain with --token", () => {
  const claims = (overrides: Record<string, unknown> = {}) => ({
    ...runClaims({
      organization: ORG,
      project: "Billing",
      workspace: "app-billing-prod",
      phase: "apply",
    }),
    ...overrides,
  });

  it("reads iss, aud and sub from a signed token, and says the signature was not checked", async () => {
    const { status, stdout } = run("--token", await signToken(claims()), "--all");
    expect(status).toBe(0);
    expect(stdout).toContain("Token (read without checking its signature):");
    expect(lineOf(stdout, "tfc-acme-corp-app-billing-prod")).toMatch(/^ALLOWED /);
  });

  it("takes an audience given as a one-element list", async () => {
    const { status } = run("--token", await signToken(claims({ aud: ["aws.workload.identity"] })));
    expect(status).toBe(0);
  });

  it("denies a token from another issuer", async () => {
    const { status, stdout } = run(
      "--token",
      await signToken(claims({ iss: "https://tfe.example.com" })),
      "--all",
    );
    expect(status).toBe(1);
    expect(stdout).toContain(
      "issuer: expected arn:aws:iam::000000000000:oidc-provider/app.terraform.io",
    );
  });
});

describe("explain's bad input", () => {
  it.each([
    ["no arguments", []],
    ["an unknown option", ["--sub", sub("p", "w"), "--bogus"]],
    ["both --token and --sub", ["--sub", sub("p", "w"), "--token", "a.b.c"]],
    ["--aud with --token", ["--token", "a.b.c", "--aud", "x"]],
    ["a bad --host", ["--sub", sub("p", "w"), "--host", "https://app.terraform.io"]],
    ["a token that is not a JWT", ["--token", "not-a-jwt"]],
  ])("exits 2 with a message and the usage for %s", (_, args) => {
    const { status, stdout, stderr } = run(...args);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^explain: .+\n\nUsage: npm run explain/);
  });

  it("exits 2 on a token without a sub", async () => {
    const { sub: _, ...noSub } = runClaims({
      organization: ORG,
      project: "p",
      workspace: "w",
      phase: "plan",
    });
    const { status, stderr } = run("--token", await signToken(noSub));
    expect(status).toBe(2);
    expect(stderr).toContain("--token has no sub claim of one string");
  });

  it("exits 2 when there is no synth output", () => {
    const empty = tempDir("no-out-");
    const err: string[] = [];
    const status = runExplain(["--sub", sub("p", "w"), "--out", empty], {
      out: () => {},
      err: (l) => err.push(l),
    });
    expect(status).toBe(2);
    expect(err.join("\n")).toContain(`no synthesized stacks in "${empty}"`);
    expect(err.join("\n")).toContain('run "npx cdktf synth" first');
  });

  it("prints the usage and exits 0 with --help", () => {
    const { status, stdout } = run("--help");
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run explain/);
  });
});

describe("npm run explain", () => {
  it("runs from the command line with the README's arguments and exit statuses", () => {
    const other = synthToDir(
      baseConfig({
        hcp: { organization: "acme" },
        workspaces: [workspace("app", { project: "Default Project" })],
      }),
    );
    const explain = (s: string) =>
      spawnSync("npm", ["run", "--silent", "explain", "--", "--sub", s, "--out", other], {
        cwd: ROOT,
        encoding: "utf8",
      });
    const allowed = explain(
      "organization:acme:project:Default Project:workspace:app:run_phase:plan",
    );
    expect(allowed.status).toBe(0);
    expect(allowed.stdout).toContain(
      '1 of 1 role admits this token:\n  tfc-acme-app  (hcp-aws-trust-default.Default-Project-13c060: aws_iam_role.roles["ws_app"])',
    );
    expect(
      explain("organization:acme:project:Default Project:workspace:web:run_phase:plan").status,
    ).toBe(1);
  });
});

describe("explain for a HYOK configuration's token", () => {
  let hyokOut: string;
  beforeAll(() => {
    hyokOut = synthToDir(readFileSync(join(ROOT, "examples", "hyok.yaml"), "utf8"));
  });
  const explainHyok = (...args: string[]) => {
    const out: string[] = [];
    const status = runExplain([...args, "--out", hyokOut], {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
    });
    return { status, stdout: out.join("\n") };
  };

  it("admits it for its configuration's role only, and says how the agent gets the role", () => {
    const { status, stdout } = explainHyok("--sub", "organization:acme:hyok_config:acme-eu");
    expect(status).toBe(0);
    expect(stdout).toContain("1 of 3 roles admits this token:");
    expect(stdout).toContain(
      'tfc-acme-hyok-acme-eu  (hcp-aws-trust-prod.any.project: aws_iam_role.roles["hyok_acme-eu"])',
    );
    expect(stdout).toContain(
      "HYOK configuration acme-eu's agents (pool hyok-agents-eu) assume the role its tfe_aws_oidc_configuration names: tfc-acme-hyok-acme-eu, arn:aws:iam::444455556666:role/tfc-acme-hyok-acme-eu; it may use KMS key alias/hcp-terraform-hyok (kms:Encrypt, kms:Decrypt).",
    );
  });

  it("refuses another configuration's, naming the field that differs", () => {
    const { status, stdout } = explainHyok("--sub", "organization:acme:hyok_config:acme-e");
    expect(status).toBe(1);
    expect(stdout).toContain('hyok_config: expected "acme-eu", got "acme-e"');
    expect(stdout).toContain("kind: a workspace run role; this is a HYOK configuration token");
    expect(stdout).toContain("This synth has no HYOK configuration acme-e.");
  });

  it("refuses a workspace run token for the HYOK roles, as another kind", () => {
    const { status, stdout } = explainHyok(
      "--sub",
      "organization:acme:project:Infrastructure:workspace:acme-eu:run_phase:plan",
      "--all",
    );
    expect(status).toBe(1);
    expect(stdout).toContain("kind: a HYOK configuration role; this is a workspace run token");
  });
});
