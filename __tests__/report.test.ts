import { appendFileSync, copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runReport } from "../lib/cli/report";
import { REPORT_JSON_FILE, reportMarkdown } from "../lib/report/markdown";
import { buildReport, type TrustReport } from "../lib/report/model";
import { REPORT_FILE } from "../lib/report/write";
import { readSynthesizedStacks, type SynthesizedStack } from "../lib/synth-output";
import { planOf, recordSynth, synthToDir, tempDir } from "./helpers/synth";

const ROOT = join(__dirname, "..");
const EVERYTHING = join(ROOT, "examples", "everything.yaml");

let outdir: string;
let stacks: SynthesizedStack[];
let report: TrustReport;

beforeAll(() => {
  outdir = synthToDir(readFileSync(EVERYTHING, "utf8"));
  stacks = readSynthesizedStacks(outdir);
  report = buildReport(planOf(outdir), ["Warning: workspaces[3]: something to know"]);
});

/** Every role in the synthesized stacks, as `stack address`. */
function rolesInStacks(): string[] {
  return stacks.flatMap(({ name, json }) =>
    Object.keys(json.resource?.aws_iam_role ?? {}).map((a) => `${name} aws_iam_role.${a}`),
  );
}

describe("the trust report", () => {
  it("lists every role of every stack once, in its account", () => {
    expect(report.roles.map((r) => `${r.stack} ${r.address}`).sort()).toEqual(
      rolesInStacks().sort(),
    );
    expect(report.accounts.map((a) => a.name).sort()).toEqual(["dev", "prod", "shared"]);
  });

  it("gives each role the policies attached to it in the stack", () => {
    for (const role of report.roles) {
      const json = stacks.find((s) => s.name === role.stack)?.json;
      const attached = Object.values(json?.resource?.aws_iam_role_policy_attachment ?? {}).filter(
        (a) => a.role === `\${${role.address}.name}`,
      );
      expect(
        role.policies.filter((p) => p !== "inline"),
        role.name,
      ).toHaveLength(attached.length);
      expect(role.policies.length, role.name).toBeGreaterThan(0);
    }
  });

  it("names, for each role, every variable that carries its ARN", () => {
    const roleVariables = stacks.flatMap(({ json }) =>
      Object.values(json.resource?.tfe_variable ?? {}).filter((v) =>
        /_ROLE_ARN/.test(String(v.key)),
      ),
    );
    expect(report.roles.flatMap((r) => r.variables)).toHaveLength(roleVariables.length);
    const net = report.roles.find((r) => r.name === "tfc-acme-corp-net-prod-plan");
    expect(net?.variables).toEqual(["workspace net-prod: TFC_AWS_PLAN_ROLE_ARN"]);
    const project = report.roles.find((r) => r.name === "tfc-acme-corp-project-Apps");
    expect(project).toMatchObject({
      project: "Apps",
      variables: ["project Apps: TFC_AWS_RUN_ROLE_ARN"],
    });
    expect(project?.workspace).toBeUndefined();
  });

  it("tells looked-up workspaces, created workspaces and projects apart", () => {
    const targets = Object.fromEntries(report.targets.map((t) => [`${t.kind} ${t.name}`, t]));
    expect(Object.keys(targets).sort()).toEqual([
      "project Apps",
      "workspace admin-tools",
      "workspace apps-new",
      "workspace multi",
      "workspace net-prod",
    ]);
    expect(targets["workspace net-prod"]?.created).toBe(false);
    expect(targets["workspace apps-new"]?.created).toBe(true);
    expect(targets["project Apps"]?.variables).toContainEqual({
      key: "TFC_AWS_RUN_ROLE_ARN",
      value: "tfc-acme-corp-project-Apps",
      role: 'hcp-aws-trust-dev.Apps aws_iam_role.roles["project_Apps"]',
    });
  });

  it("says where each account's OIDC provider comes from", () => {
    const provider = Object.fromEntries(report.accounts.map((a) => [a.name, a.oidcProvider]));
    expect(provider).toEqual({
      dev: "created for https://tfe.example.com in stack hcp-aws-trust-dev",
      prod: "created for https://tfe.example.com in stack hcp-aws-trust-prod",
      shared: "reused arn:aws:iam::444455556666:oidc-provider/tfe.example.com",
    });
  });

  it("says whose runs a role admits, as its trust policy does", () => {
    const tagged = report.roles.find((r) => r.name === "tfc-acme-corp-multi-DEV-plan");
    expect(tagged).toMatchObject({
      organization: "acme-corp",
      project: "Platform",
      workspace: "multi",
      phase: "plan",
      tag: "DEV",
    });
    expect(report.roles.find((r) => r.name === "tfc-acme-corp-multi")?.phase).toBe(
      "plan and apply",
    );
  });

  describe("as Markdown", () => {
    const markdown = () => reportMarkdown(report);

    it("puts the warnings first", () => {
      const text = markdown();
      expect(text.indexOf("## Warnings")).toBeGreaterThan(0);
      expect(text.indexOf("- workspaces[3]: something to know")).toBeLessThan(
        text.indexOf("## Account"),
      );
    });

    it("has a table row per role under its account", () => {
      const text = markdown();
      for (const role of report.roles) {
        const section = text.slice(text.indexOf(`## Account ${role.account} `));
        expect(section.split("\n## ")[0]).toMatch(
          new RegExp(`^\\| .* \\| \`${role.name}\` \\|`, "m"),
        );
      }
    });

    it("gives each account its CloudTrail lookups once, with the role as a parameter", () => {
      const text = markdown();
      for (const account of report.accounts) {
        expect(text.split(`### Account ${account.name} `)).toHaveLength(2);
        expect(text).toContain(`aws cloudtrail lookup-events --region ${account.region} `);
      }
      // One lookup per account, not per role: the role is `$ROLE_ARN`.
      expect(text.split("aws cloudtrail lookup-events")).toHaveLength(report.accounts.length + 1);
      expect(text).toContain('AttributeKey=ResourceName,AttributeValue="$ROLE_ARN"');
      expect(text).toContain(
        "AND recipientAccountId = '111122223333'\nAND userIdentity.username LIKE 'organization:acme-corp:%'",
      );
      expect(text).toContain("useridentity.username LIKE 'organization:acme-corp:%'");
    });

    it("draws organization, projects, workspaces, roles and accounts as a Mermaid flowchart", () => {
      const text = markdown();
      const diagram = text.slice(text.indexOf("```mermaid\n") + 11, text.lastIndexOf("```"));
      expect(diagram.startsWith("flowchart LR\n")).toBe(true);
      for (const role of report.roles) expect(diagram).toContain(`["${role.name}"]`);
      expect(diagram).toContain('(["organization acme-corp"])');
      expect(diagram).toContain('["project Data Platform"]'.replace("Data Platform", "Apps"));
      expect(diagram).toContain('(["AWS account prod (111122223333)"])');
      // Every edge joins declared nodes.
      const declared = new Set([...diagram.matchAll(/^ {2}(n\d+)[[(]/gm)].map((m) => m[1]));
      for (const [, from, to] of diagram.matchAll(/^ {2}(n\d+) .*--> (n\d+)$/gm)) {
        expect(declared.has(from)).toBe(true);
        expect(declared.has(to)).toBe(true);
      }
    });
  });
});

describe("npm run report", () => {
  const WARNINGS = [
    "Warning: workspaces[3].policyArns[0]: [admin-access-needs-opt-in] workspace admin-tools gets AdministratorAccess",
  ];
  /** A synth of a copy of everything.yaml, with its record, as `npx cdktf synth` leaves it. */
  function synthWithRecord(status: "ok" | "failed" = "ok") {
    const config = join(tempDir("config-"), "trust.yaml");
    copyFileSync(EVERYTHING, config);
    const dir = synthToDir(readFileSync(config, "utf8"));
    recordSynth(dir, config, { status, warnings: WARNINGS });
    return { dir, config };
  }
  function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const status = runReport(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { status, stdout: out.join("\n"), stderr: err.join("\n") };
  }

  it("keeps the synth's warnings, first, whatever config TRUST_CONFIG names now", () => {
    const { dir } = synthWithRecord();
    const before = process.env.TRUST_CONFIG;
    process.env.TRUST_CONFIG = join(ROOT, "trust.yaml");
    try {
      const { status, stdout, stderr } = run(["--out", dir]);
      expect(status).toBe(0);
      expect(stderr).toBe("");
      expect(stdout).toBe(`wrote ${dir}/${REPORT_FILE} and ${dir}/${REPORT_JSON_FILE}`);
    } finally {
      if (before === undefined) delete process.env.TRUST_CONFIG;
      else process.env.TRUST_CONFIG = before;
    }
    const text = readFileSync(join(dir, REPORT_FILE), "utf8");
    const warning = text.indexOf(
      "- workspaces[3].policyArns[0]: [admin-access-needs-opt-in] workspace admin-tools gets AdministratorAccess",
    );
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(text.indexOf("## Summary"));
  });

  it("keeps what the synth's config acknowledged, in its own section after the warnings", () => {
    const config = join(tempDir("config-"), "trust.yaml");
    copyFileSync(EVERYTHING, config);
    const dir = synthToDir(readFileSync(config, "utf8"));
    const acknowledged = [
      'projects[0].acknowledgeOwnRoles: [workspace-role-overrides-project] project "Apps" has a project-wide role, and workspaces of it have roles of their own, acknowledged: apps-new (workspaces[1]).',
    ];
    recordSynth(dir, config, { status: "ok", warnings: WARNINGS, acknowledged });
    expect(run(["--out", dir]).status).toBe(0);
    const text = readFileSync(join(dir, REPORT_FILE), "utf8");
    expect(text.indexOf("## Acknowledged")).toBeGreaterThan(text.indexOf("## Warnings"));
    expect(text.indexOf(`- ${acknowledged[0]}`)).toBeLessThan(text.indexOf("## Summary"));
    const json = JSON.parse(run(["--out", dir, "--json"]).stdout) as TrustReport;
    expect(json.acknowledged).toEqual(acknowledged);
  });

  it("prints the same with --json, warnings included, and nothing but the JSON on stdout", () => {
    const { dir } = synthWithRecord();
    const { status, stdout } = run(["--out", dir, "--json"]);
    expect(status).toBe(0);
    expect(stdout.startsWith("{")).toBe(true);
    const json = JSON.parse(stdout) as TrustReport;
    expect(json.roles).toHaveLength(rolesInStacks().length);
    expect(json.warnings).toEqual(WARNINGS);
    expect(json.provenance?.source).toMatch(
      /^made from .*trust\.yaml at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
    );
  });

  it("names the config and says so when it changed since the synth", () => {
    const { dir, config } = synthWithRecord();
    expect(run(["--out", dir]).stderr).toBe("");
    expect(readFileSync(join(dir, REPORT_FILE), "utf8")).not.toContain("Out of date");
    appendFileSync(config, "# an edit after the synth\n");
    const { status, stderr } = run(["--out", dir]);
    expect(status).toBe(0);
    expect(stderr).toMatch(/^report: the config .*trust\.yaml changed since this synth/);
    expect(readFileSync(join(dir, REPORT_FILE), "utf8")).toMatch(
      /> \*\*Out of date:\*\* the config .*trust\.yaml changed since this synth/,
    );
  });

  it("refuses the output of a failed synth, and output without a synth record", () => {
    const failed = run(["--out", synthWithRecord("failed").dir]);
    expect(failed.status).toBe(2);
    expect(failed.stderr).toMatch(/^report: the last synth, of .* failed/);
    const unrecorded = run(["--out", outdir]);
    expect(unrecorded.status).toBe(2);
    expect(unrecorded.stderr).toContain("the warnings of its synth are unknown");
  });

  it("exits 2 without synth output, or on an unknown option", () => {
    expect(run(["--out", tempDir("none-")]).status).toBe(2);
    expect(run(["--bogus"]).status).toBe(2);
  });
});
