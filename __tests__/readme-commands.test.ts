import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cdktfEnv } from "../lib/cli/cdktf";
import { synthStacks } from "./helpers/synth";

const ROOT = join(__dirname, "..");
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The cdktf CLI's own matcher: `getMultipleStacks` in @cdktf/cli-core matches names with it. */
const minimatch = createRequire(require.resolve("@cdktf/cli-core/package.json"))("minimatch") as (
  name: string,
  pattern: string,
) => boolean;

/** What `cdktf deploy PATTERN...` selects, as the CLI does: every pattern must match a stack. */
function select(stacks: readonly string[], patterns: readonly string[]): string[] {
  return patterns.flatMap((pattern) => {
    const matching = stacks.filter((name) => minimatch(name, pattern));
    if (matching.length === 0) throw new Error(`Could not find stack for pattern '${pattern}'`);
    return matching;
  });
}

describe("the README's deploy command for one account", () => {
  const commands = [...README.matchAll(/npx cdktf deploy ((?:'[^']*'\s*)+)`/g)].map((m) =>
    [...(m[1] ?? "").matchAll(/'([^']*)'/g)].map((p) => p[1] ?? ""),
  );
  const oneAccount = commands.filter((patterns) =>
    patterns.join(" ").includes("hcp-aws-trust-prod"),
  );
  // accounts.yaml: prod creates its OIDC provider (a base stack), shared reuses one (none); prod-eu
  // is a neighbour whose name starts the same.
  const config = parse(readFileSync(join(ROOT, "examples", "accounts.yaml"), "utf8"));
  config.accounts["prod-eu"] = { region: "eu-west-1" };
  config.workspaces.push({
    name: "app-eu",
    account: "prod-eu",
    policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
  });
  const stacks = Object.keys(synthStacks(config));

  it("is given, the same everywhere", () => {
    expect(oneAccount.length).toBeGreaterThanOrEqual(3);
    for (const patterns of oneAccount) expect(patterns).toEqual(oneAccount[0]);
  });

  it.each([
    ["prod", "with a base stack"],
    ["shared", "that reuses its OIDC provider, so has no base stack"],
  ])("deploys every stack of account %s (%s), and no other account's", (account) => {
    const patterns = (oneAccount[0] ?? []).map((p) => p.replace("-prod", `-${account}`));
    const own = stacks.filter(
      (s) => s === `hcp-aws-trust-${account}` || s.startsWith(`hcp-aws-trust-${account}.`),
    );
    expect(own.length).toBeGreaterThan(0);
    expect(select(stacks, patterns).sort()).toEqual(own.sort());
  });
});

describe("the README and the cdktf CLI's telemetry", () => {
  it("says how to keep the CLI from calling checkpoint-api.hashicorp.com, before the first synth", () => {
    const first = README.indexOf("npx cdktf synth");
    expect(README.indexOf("export CHECKPOINT_DISABLE=1")).toBeGreaterThan(0);
    expect(README.indexOf("export CHECKPOINT_DISABLE=1")).toBeLessThan(first);
    expect(README).toContain("getaddrinfo ENOTFOUND checkpoint-api.hashicorp.com");
  });

  it("has npm run synth set CHECKPOINT_DISABLE unless it is set already", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts.synth).toBe("node --import tsx lib/cli/cdktf.ts synth");
    expect(cdktfEnv({}).CHECKPOINT_DISABLE).toBe("1");
    expect(cdktfEnv({ CHECKPOINT_DISABLE: "" }).CHECKPOINT_DISABLE).toBe("");
  });
});

describe("the README's comparison with the alternatives", () => {
  it("has a column and a paragraph for HCP Terraform's AWS Quick Setup, and how to adopt such a workspace", () => {
    const section = README.slice(
      README.indexOf("## Compared with the alternatives"),
      README.indexOf("## Performance"),
    );
    expect(section).toMatch(
      /^\| \| by hand .* \| HCP Terraform's AWS Quick Setup .* \| this app \|$/m,
    );
    for (const row of section.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| |")))
      expect(row.split(" | ")).toHaveLength(4);
    expect(section).toContain("temporary permission delegation");
    expect(section).toContain("`npm run adopt`");
  });
});

describe("the README's diff commands", () => {
  const WORKFLOW = readFileSync(
    join(ROOT, "examples", "github-actions", "hcp-aws-trust.yml"),
    "utf8",
  );

  it("give cdktf diff one stack by name, never a pattern, which it cannot find", () => {
    const targets = [...README.matchAll(/cdktf diff (\S+)/g)].map((m) => m[1] ?? "");
    expect(targets.length).toBeGreaterThanOrEqual(2);
    for (const target of targets) {
      if (target === "'*'`") continue; // quoted as the command that fails
      expect(target, target).not.toMatch(/[*?{[]/);
    }
    expect(README).toContain("`npx cdktf diff '*'` fails");
  });

  it("show the loop over every stack that the example workflow runs", () => {
    const loop = [
      "for stack in $(jq -r '.stacks | keys[]' cdktf.out/manifest.json); do",
      'npx cdktf diff "$stack" --skip-synth',
      "done",
    ];
    for (const line of loop) {
      expect(README).toContain(line);
      expect(WORKFLOW).toContain(line);
    }
  });
});

describe("the README's commands whose output a program reads", () => {
  /** Every command line shown in a code span or a shell block that runs `npm run`. */
  const commands = [
    ...[...README.matchAll(/`(npm run [^`]+)`/g)].map((m) => m[1] ?? ""),
    ...[...README.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
      (m[1] ?? "").split("\n").filter((line) => line.startsWith("npm run ")),
    ),
  ];
  const forPrograms = commands.filter((c) => / --json\b| \| |(^| )>/.test(c));

  it("run npm with --silent, so that npm's banner does not come first on stdout", () => {
    expect(forPrograms.length).toBeGreaterThanOrEqual(3);
    for (const command of forPrograms) expect(command, command).toMatch(/^npm run (--silent|-s) /);
  });
});
