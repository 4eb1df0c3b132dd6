import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const text = readFileSync(
  join(__dirname, "..", "examples", "github-actions", "hcp-aws-trust.yml"),
  "utf8",
);
const workflow = parse(text);

interface Step {
  run?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Job {
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}
const jobs = workflow.jobs as Record<string, Job>;
const plan = jobs.plan as Job;
const deploy = jobs.deploy as Job;
const runsOf = (job: Job) => job.steps.map((s) => s.run ?? "");

describe("the example GitHub Actions workflow", () => {
  it("runs on changes to the config and to the code that turns it into stacks", () => {
    for (const trigger of [workflow.on.pull_request, workflow.on.push]) {
      expect(trigger.paths).toEqual(
        expect.arrayContaining([
          "trust.d/**",
          "lib/**",
          "stacks/**",
          "main.ts",
          "package.json",
          "package-lock.json",
        ]),
      );
    }
    expect(workflow.on.push.branches).toEqual(["main"]);
    expect(workflow.env.TRUST_CONFIG).toBe("trust.d");
  });

  it("grants nothing by default; only the jobs ask for the runner's OIDC token", () => {
    expect(workflow.permissions).toEqual({});
    expect(plan.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(deploy.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  it("gives pull requests a read-only role and a read token, never the deploy role or the write token", () => {
    expect(plan.if).toBe("github.event_name == 'pull_request'");
    const planText = JSON.stringify(plan);
    expect(planText).toContain("${{ vars.AWS_PLAN_ROLE_ARN }}");
    expect(planText).toContain("${{ secrets.TFE_READ_TOKEN }}");
    expect(planText).not.toContain("AWS_DEPLOY_ROLE_ARN");
    expect(planText).not.toContain("secrets.TFE_TOKEN");
    expect(runsOf(plan).some((r) => r.includes("cdktf deploy"))).toBe(false);
  });

  it("deploys only on a push to main, in an environment whose role trusts that environment", () => {
    expect(deploy.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(deploy.environment).toBe("production");
    const aws = deploy.steps.find((s) =>
      s.uses?.startsWith("aws-actions/configure-aws-credentials"),
    );
    expect(aws?.with?.["role-to-assume"]).toBe("${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    const step = deploy.steps.find((s) => s.run?.includes("cdktf deploy"));
    expect(step?.env?.TFE_TOKEN).toBe("${{ secrets.TFE_TOKEN }}");
    expect(text).toContain("repo:OWNER/REPO:environment:production");
  });

  it("installs, tests, synthesizes, diffs every stack, and then deploys", () => {
    for (const [job, order] of [
      [plan, ["npm ci", "npm test", "npx cdktf synth", "npx cdktf diff"]],
      [deploy, ["npm ci", "npm test", "npx cdktf synth", "npx cdktf diff", "npx cdktf deploy '*'"]],
    ] as const) {
      const runs = runsOf(job);
      const positions = order.map((command) => runs.findIndex((run) => run.includes(command)));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }
  });

  it("keeps the state remote: it never accepts local state in CI", () => {
    expect(text).not.toContain("TRUST_ALLOW_LOCAL_STATE");
    expect(text).toMatch(/backend: cloud or s3/);
  });

  it("takes AWS credentials from the runner's OIDC token, never from stored keys", () => {
    for (const job of [plan, deploy]) {
      expect(
        job.steps.some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials")),
      ).toBe(true);
    }
    expect(text).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY/);
  });
});
