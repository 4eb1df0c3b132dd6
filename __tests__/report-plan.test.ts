import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runExplain } from "../lib/cli/explain";
import { runReport } from "../lib/cli/report";
import { loadConfig } from "../lib/config/load";
import { lockPathFor, readLock } from "../lib/lock-file";
import { PLAN_FILE, readPlanFile } from "../lib/plan/plan-file";
import { reportMarkdown } from "../lib/report/markdown";
import { buildReport, type TrustReport } from "../lib/report/model";
import { stacksHcl } from "../lib/report/stacks-hcl";
import { readSynthesizedStacks, rolesOfStack } from "../lib/synth-output";
import { readLiteral } from "../lib/terraform-text";
import { buildApp } from "../stacks/app";
import { planOf, recordSynth, synthToDir, tempDir } from "./helpers/synth";

const ROOT = join(__dirname, "..");
const EXAMPLES = join(ROOT, "examples");
const STACKS_AND_MODULES = join(EXAMPLES, "stacks-and-modules.yaml");

function run(tool: typeof runReport, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = tool(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, stdout: out.join("\n"), stderr: err.join("\n") };
}

describe("the report of Stacks and registry modules", () => {
  let outdir: string;
  let report: TrustReport;
  let markdown: string;
  beforeAll(() => {
    outdir = synthToDir(readFileSync(STACKS_AND_MODULES, "utf8"));
    report = buildReport(readPlanFile(outdir));
    markdown = reportMarkdown(report);
  });
  const row = (name: string) =>
    markdown.split("\n").find((line) => line.includes(`| \`${name}\` |`)) ?? "";

  it("GIVEN a Stack with two deployments WHEN reported THEN each role reads as that deployment's, for plan and apply", () => {
    expect(row("tfc-acme-corp-stack-networking-production")).toMatch(
      /^\| deployment production of Stack networking \(project Platform\) \| Stack deployment tokens only \| plan and apply \| /,
    );
    expect(row("tfc-acme-corp-stack-networking-staging")).toMatch(
      /^\| deployment staging of Stack networking \(project Platform\) \| Stack deployment tokens only \| plan and apply \| /,
    );
    expect(markdown).not.toContain("every workspace of any project");
    expect(
      report.roles.find((r) => r.name === "tfc-acme-corp-stack-networking-staging"),
    ).toMatchObject({
      organization: "acme-corp",
      project: "Platform",
      hcpStack: { name: "networking", deployment: "staging" },
    });
  });

  it("GIVEN a registry module WHEN reported THEN its role reads as its test runs', and its test variables are listed", () => {
    expect(row("tfc-acme-corp-module-vpc-aws")).toMatch(
      /^\| test runs of module terraform-aws-vpc \(vpc\/aws\) \| module test run tokens only \| test run \| /,
    );
    expect(markdown).toMatch(
      /^\| module terraform-aws-vpc \(vpc\/aws\), its test variables \| `TFC_AWS_PROVIDER_AUTH` = true<br>`TFC_AWS_RUN_ROLE_ARN` = tfc-acme-corp-module-vpc-aws \|$/m,
    );
    expect(markdown).toContain("in the test variables of 1 module.");
    expect(report.roles.find((r) => r.module !== undefined)?.variables).toEqual([
      "module terraform-aws-vpc test variable: TFC_AWS_RUN_ROLE_ARN",
    ]);
  });

  it("GIVEN accounts holding only Stack and module roles WHEN audited THEN the queries select the organization's runs", () => {
    expect(markdown).not.toContain("organization::");
    expect(markdown.split("LIKE 'organization:acme-corp:%'")).toHaveLength(5);
    expect(markdown).not.toContain('["organization "]');
    expect(markdown).toContain('["module terraform-aws-vpc (vpc/aws)"]');
    expect(markdown).toContain('["deployment production"]');
  });

  it("GIVEN a config with Stacks WHEN reported THEN it holds each Stack's fragments exactly as stacksHcl makes them", () => {
    const expected = stacksHcl(planOf(outdir));
    expect(expected).toHaveLength(1);
    expect(report.stacksHcl).toEqual(expected);
    const section = markdown.slice(markdown.indexOf("## HCP Terraform Stacks"));
    for (const hcl of expected) {
      expect(section).toContain(`### Stack ${hcl.stack} (project ${hcl.project})`);
      expect(section).toContain(`\`\`\`hcl\n${hcl.deployments}\n\`\`\``);
      expect(section).toContain(`\`\`\`hcl\n${hcl.providers}\n\`\`\``);
    }
  });

  it("GIVEN a config without Stacks WHEN reported THEN there is no Stacks section", () => {
    const dir = synthToDir(readFileSync(join(EXAMPLES, "everything.yaml"), "utf8"));
    const text = reportMarkdown(buildReport(readPlanFile(dir)));
    expect(text).not.toContain("## HCP Terraform Stacks");
    expect(buildReport(readPlanFile(dir)).stacksHcl).toBeUndefined();
  });

  it("GIVEN the synth's plan and its plan file WHEN each is reported THEN the reports are the same", () => {
    expect(buildReport(readPlanFile(outdir))).toEqual(buildReport(planOf(outdir)));
  });
});

/** Every example: the config files, and the folder of a config directory. */
const examples = [
  ...readdirSync(EXAMPLES)
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => join(EXAMPLES, name)),
  join(EXAMPLES, "bootstrap"),
];

describe.each(examples.map((path) => [basename(path), path]))(
  "the report of example %s",
  (_, path) => {
    let report: TrustReport;
    let outdir: string;
    beforeAll(() => {
      outdir = tempDir("example-");
      const { config, locate } = loadConfig(path, () => {});
      const { app, plan } = buildApp(config, {
        outdir,
        locate,
        lock: readLock(lockPathFor(path, {})),
      });
      app.synth();
      report = buildReport(plan);
    });

    it("GIVEN its synth WHEN reported THEN every role is a role of the stacks, with the same name and ARN", () => {
      const stacks = readSynthesizedStacks(outdir);
      const synthesized = stacks.flatMap(({ name, json }) => rolesOfStack(name, json));
      const reported = report.roles.map((r) => ({
        key: `${r.stack} ${r.address}`,
        name: r.name,
        arn: r.arn,
      }));
      expect(reported.sort((a, b) => a.key.localeCompare(b.key))).toEqual(
        synthesized
          .map((r) => ({ key: `${r.stack} ${r.address}`, name: r.name, arn: r.arn }))
          .sort((a, b) => a.key.localeCompare(b.key)),
      );
    });

    it("GIVEN its synth WHEN reported THEN every variable is a tfe_variable or tfe_test_variable of the stacks, with its value", () => {
      const inStacks: string[] = [];
      for (const { name, json } of readSynthesizedStacks(outdir)) {
        const arns = new Map(rolesOfStack(name, json).map((r) => [r.address, r.arn]));
        // A role's ARN: a literal, or a reference to a role of the same stack.
        const arnOrText = (value: unknown) => {
          const ref = /^\$\{(aws_iam_role\.roles\["[^"]+"\])\.arn\}$/.exec(String(value))?.[1];
          return ref === undefined ? readLiteral(String(value)) : String(arns.get(ref));
        };
        const sets = json.resource?.tfe_variable_set ?? {};
        for (const v of Object.values(json.resource?.tfe_variable ?? {})) {
          const ws = /\["([^"]+)"\]\.id\}$/.exec(String(v.workspace_id ?? ""))?.[1];
          const set = /^\$\{tfe_variable_set\.(.+)\.id\}$/.exec(
            String(v.variable_set_id ?? ""),
          )?.[1];
          const on =
            ws !== undefined
              ? `workspace ${ws}`
              : `project ${readLiteral(String(sets[set ?? ""]?.name)).replace(/^hcp-aws-trust: /, "")}`;
          inStacks.push(`${on} ${String(v.key)}=${arnOrText(v.value)}`);
        }
        for (const v of Object.values(json.resource?.tfe_test_variable ?? {})) {
          const module = `${readLiteral(String(v.module_name))}/${readLiteral(String(v.module_provider))}`;
          inStacks.push(`module ${module} ${String(v.key)}=${arnOrText(v.value)}`);
        }
      }
      const arnOf = new Map(report.roles.map((r) => [`${r.stack} ${r.address}`, r.arn]));
      const reported = report.targets.flatMap((t) =>
        t.variables.map((v) => {
          const on =
            t.module === undefined
              ? `${t.kind} ${t.name}`
              : `module ${t.module.name}/${t.module.provider}`;
          return `${on} ${v.key}=${v.role === undefined ? v.value : arnOf.get(v.role)}`;
        }),
      );
      expect(reported.length).toBeGreaterThan(0);
      expect(reported.sort()).toEqual(inStacks.sort());
    });
  },
);

describe("a plan file that cannot be used", () => {
  const SUB = "organization:acme-corp:project:Payments:workspace:billing-prod:run_phase:plan";
  /** A synth of a copy of the Stacks example, with its record and plan file. */
  function synth() {
    const config = join(tempDir("plan-config-"), "trust.yaml");
    copyFileSync(STACKS_AND_MODULES, config);
    const dir = synthToDir(readFileSync(config, "utf8"));
    recordSynth(dir, config, { status: "ok", warnings: [] });
    return dir;
  }
  const edit = (dir: string, change: (file: Record<string, unknown>) => void) => {
    const path = join(dir, PLAN_FILE);
    const file = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    change(file);
    writeFileSync(path, JSON.stringify(file));
  };
  const refusals: Array<[string, (dir: string) => void, RegExp]> = [
    ["missing", (dir) => rmSync(join(dir, PLAN_FILE)), /trust-plan\.json is missing/],
    ["not JSON", (dir) => writeFileSync(join(dir, PLAN_FILE), "{"), /is not valid JSON/],
    [
      "of an older format",
      (dir) => edit(dir, (f) => (f.version = 0)),
      /is of format 0, and this version of the app reads format 1/,
    ],
    [
      "altered in its shape",
      (dir) =>
        edit(
          dir,
          (f) => (((f.stacks as Array<{ name: string }>)[0] as { name: string }).name = "../x"),
        ),
      /is not a plan file of this app \(at stacks\.0\.name: /,
    ],
    [
      "altered to name a role it does not hold",
      (dir) =>
        edit(dir, (f) => {
          for (const stack of f.stacks as Array<{
            targets: Array<{ variables: Array<{ value: { kind: string; role?: string } }> }>;
          }>)
            for (const t of stack.targets)
              for (const v of t.variables)
                if (v.value.kind === "role-arn") v.value.role = "ws_someone-else";
        }),
      /names role ws_someone-else, which is not in it/,
    ],
    [
      "of another synth",
      (dir) => copyFileSync(join(synth(), PLAN_FILE), join(dir, PLAN_FILE)),
      /it is not from the synth of .* recorded beside it/,
    ],
  ];

  it.each(refusals)(
    "GIVEN a plan file %s WHEN report and explain read it THEN each says what is wrong and to synthesize again, and exits 2",
    (_, spoil, message) => {
      const dir = synth();
      spoil(dir);
      for (const [tool, args, name] of [
        [runReport, ["--out", dir], "report"],
        [runReport, ["--out", dir, "--json"], "report"],
        [runExplain, ["--sub", SUB, "--out", dir], "explain"],
      ] as const) {
        const { status, stdout, stderr } = run(tool, [...args]);
        expect(status, `${name} ${args.join(" ")}`).toBe(2);
        expect(stdout).toBe("");
        expect(stderr).toMatch(new RegExp(`^${name}: `));
        expect(stderr).toMatch(message);
        expect(stderr).toMatch(/run "npx cdktf synth" again$/);
        expect(stderr).not.toMatch(/\n\s+at /);
      }
    },
  );

  it("GIVEN a sound plan file WHEN report and explain read it THEN both answer", () => {
    const dir = synth();
    expect(run(runReport, ["--out", dir]).status).toBe(0);
    expect(run(runExplain, ["--sub", SUB, "--out", dir]).status).toBe(0);
  });
});

describe("explain for a Stack deployment's and a module test run's token", () => {
  let dir: string;
  beforeAll(() => {
    const config = join(tempDir("explain-kinds-"), "trust.yaml");
    copyFileSync(STACKS_AND_MODULES, config);
    dir = synthToDir(readFileSync(config, "utf8"));
    recordSynth(dir, config, { status: "ok", warnings: [] });
  });

  it("GIVEN a Stack deployment's sub WHEN explained THEN it names the admitting role and the .tfdeploy.hcl, not a workspace's variables", () => {
    const sub =
      "organization:acme-corp:project:Platform:stack:networking:deployment:staging:operation:plan";
    const { status, stdout } = run(runExplain, ["--sub", sub, "--out", dir]);
    expect(status).toBe(0);
    expect(stdout).toContain(
      "1 of 4 roles admits this token:\n  tfc-acme-corp-stack-networking-staging  (",
    );
    expect(stdout).toContain(
      "A Stack deployment reads no variables: it uses the role its .tfdeploy.hcl passes (this synth's is tfc-acme-corp-stack-networking-staging, arn:aws:iam::111122223333:role/tfc-acme-corp-stack-networking-staging)",
    );
    expect(stdout).not.toContain("variable precedence");
    expect(stdout).not.toContain("workspace undefined");
  });

  it("GIVEN a module test run's sub WHEN explained THEN it names the admitting role and the module's test variable", () => {
    const sub = "organization:acme-corp:module:terraform-aws-vpc:operation:test_run";
    const { status, stdout } = run(runExplain, ["--sub", sub, "--out", dir]);
    expect(status).toBe(0);
    expect(stdout).toContain("1 of 4 roles admits this token:\n  tfc-acme-corp-module-vpc-aws  (");
    expect(stdout).toContain(
      "Test runs of module terraform-aws-vpc use the role in its test variable TFC_AWS_RUN_ROLE_ARN: tfc-acme-corp-module-vpc-aws.",
    );
    expect(stdout).not.toContain("variable precedence");
  });
});
