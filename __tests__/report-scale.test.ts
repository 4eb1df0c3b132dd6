import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagram, fits, MERMAID_LIMITS } from "../lib/report/diagram";
import { DETAIL_LIMIT, REPORT_JSON_FILE, reportMarkdown } from "../lib/report/markdown";
import type { ReportRole, TrustReport } from "../lib/report/model";
import { REPORT_FILE, writeReport } from "../lib/report/write";
import { benchConfig } from "../scripts/bench/bench";
import { planOf, synthToDir } from "./helpers/synth";

/** A report of `n` workspace roles spread over `projects` projects in two accounts. */
function fakeReport(n: number, projects = 10): TrustReport {
  const roles = Array.from({ length: n }, (_, i): ReportRole => {
    const account = i % 2 === 0 ? "prod" : "dev";
    const project = `Team ${i % projects}`;
    const name = `tfc-acme-ws-${i}`;
    return {
      account,
      stack: `hcp-aws-trust-${account}.Team-${i % projects}`,
      address: `aws_iam_role.ws_${i}`,
      name,
      arn: `arn:aws:iam::111122223333:role/${name}`,
      region: "us-east-1",
      organization: "acme",
      project,
      workspace: `ws-${i}`,
      phase: "plan and apply",
      subject: `organization:acme:project:${project}:workspace:ws-${i}:run_phase:*`,
      policies: ["ReadOnlyAccess"],
      variables: [`workspace ws-${i}: TFC_AWS_RUN_ROLE_ARN`],
    };
  });
  const account = (name: string) => ({
    name,
    region: "us-east-1",
    accountId: "111122223333",
    oidcProvider: "created",
    stacks: [`hcp-aws-trust-${name}`],
  });
  return { accounts: [account("prod"), account("dev")], roles, targets: [], warnings: [] };
}

describe("the Mermaid limits", () => {
  const chart = (chars: number, edges: number) => ({ lines: ["x".repeat(chars)], edges });

  it("accept a diagram of exactly 50,000 characters and 500 edges", () => {
    expect(MERMAID_LIMITS).toEqual({ maxTextSize: 50_000, maxEdges: 500 });
    expect(fits(chart(50_000, 500))).toBe(true);
  });

  it("refuse one character or one edge more", () => {
    expect(fits(chart(50_001, 500))).toBe(false);
    expect(fits(chart(50_000, 501))).toBe(false);
  });
});

describe("the trust report at any size", () => {
  it(`keeps per-role tables up to ${DETAIL_LIMIT} roles, and leaves them to the JSON above`, () => {
    expect(reportMarkdown(fakeReport(DETAIL_LIMIT))).toMatch(/^## Account prod /m);
    const large = reportMarkdown(fakeReport(DETAIL_LIMIT + 1));
    expect(large).not.toMatch(/^## Account prod /m);
    expect(large).toContain(`The ${DETAIL_LIMIT + 1} roles, their policies`);
    expect(large).toContain(REPORT_JSON_FILE);
  });

  it("draws every role while that renders, and collapses to projects, then accounts, when not", () => {
    expect(diagram(fakeReport(50)).detail).toBe("roles");
    const projects = diagram(fakeReport(2_000, 50));
    expect(projects.detail).toBe("projects");
    expect(projects.lines.join("\n")).toMatch(/ -- 40 roles --> n\d+$/m);
    expect(fits(projects)).toBe(true);
    const accounts = diagram(fakeReport(2_000, 400));
    expect(accounts.detail).toBe("accounts");
    expect(fits(accounts)).toBe(true);
  });

  it("writes a 1,000-workspace synth's report as a summary a person can read, every role in the JSON beside it", () => {
    const outdir = synthToDir(benchConfig(1_000));
    const report = writeReport(outdir, planOf(outdir), ["Warning: something to know"], {
      source: "made from x",
    });
    const markdown = readFileSync(join(outdir, REPORT_FILE), "utf8");
    expect(markdown.length).toBeLessThan(60_000);
    expect(markdown.indexOf("## Warnings")).toBeLessThan(markdown.indexOf("## Summary"));
    // Counts per account and per project.
    for (const account of report.accounts) expect(markdown).toContain(`| ${account.name} | `);
    expect(markdown).toContain("| prod | Team 0 Apps | ");
    expect(markdown.split("aws cloudtrail lookup-events")).toHaveLength(4);
    const mermaid = markdown.slice(markdown.indexOf("```mermaid\n") + 11);
    const text = mermaid.slice(0, mermaid.indexOf("\n```"));
    expect(text.length).toBeLessThanOrEqual(MERMAID_LIMITS.maxTextSize);
    expect(text.split("\n").filter((l) => l.includes("-->")).length).toBeLessThanOrEqual(500);
    const json = JSON.parse(readFileSync(join(outdir, REPORT_JSON_FILE), "utf8")) as TrustReport;
    expect(json.roles).toHaveLength(report.roles.length);
    expect(json.roles.length).toBeGreaterThan(1_000);
    expect(json.warnings).toEqual(["Warning: something to know"]);
  });
});
