import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const workflow = parse(
  readFileSync(
    join(__dirname, "..", "..", "examples", "github-actions", "hcp-aws-trust.yml"),
    "utf8",
  ),
);
const doctor = workflow.jobs.doctor as {
  if: string;
  steps: Array<{
    run?: string;
    uses?: string;
    if?: string;
    env?: Record<string, string>;
    with?: Record<string, string>;
  }>;
};

describe("the example workflow's doctor job", () => {
  it("runs on a schedule and on demand, and only then", () => {
    expect(workflow.on.schedule[0].cron).toMatch(/^\S+ \S+ \* \* \*$/);
    expect(workflow.on).toHaveProperty("workflow_dispatch");
    expect(doctor.if).toBe(
      "github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'",
    );
  });

  it("runs npm run doctor with a token and AWS credentials from the runner's OIDC token, and keeps the report", () => {
    const run = doctor.steps.find((s) => s.run?.includes("npm run --silent doctor -- --json"));
    expect(run?.env?.TFE_TOKEN).toBe("${{ secrets.TFE_READ_TOKEN || secrets.TFE_TOKEN }}");
    const aws = doctor.steps.find((s) =>
      s.uses?.startsWith("aws-actions/configure-aws-credentials"),
    );
    expect(aws?.with?.["role-to-assume"]).toBe(
      "${{ vars.AWS_DOCTOR_ROLE_ARN || vars.AWS_DEPLOY_ROLE_ARN }}",
    );
    const upload = doctor.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"));
    expect(upload?.if).toBe("always()");
    expect(doctor.steps.some((s) => s.run?.includes("cdktf deploy"))).toBe(false);
  });
});
