import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const workflow = parse(
  readFileSync(join(__dirname, "..", "examples", "github-actions", "hcp-aws-trust.yml"), "utf8"),
);
const steps = workflow.jobs.trust.steps as Array<{
  run?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string>;
}>;
const runs = steps.map((s) => s.run ?? "");

describe("the example GitHub Actions workflow", () => {
  it("runs on changes to the config directory, with the runner's OIDC token", () => {
    expect(workflow.on.pull_request.paths).toContain("trust.d/**");
    expect(workflow.on.push.branches).toEqual(["main"]);
    expect(workflow.permissions["id-token"]).toBe("write");
    expect(workflow.env.TRUST_CONFIG).toBe("trust.d");
  });

  it("installs, tests, synthesizes, diffs every stack, and deploys on main only", () => {
    const order = [
      "npm ci",
      "npm test",
      "npx cdktf synth",
      "npx cdktf diff",
      "npx cdktf deploy '*' --auto-approve",
    ];
    const positions = order.map((command) => runs.findIndex((run) => run.includes(command)));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const deploy = steps.find((s) => s.run?.includes("cdktf deploy"));
    expect(deploy?.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(deploy?.env?.TFE_TOKEN).toBe("${{ secrets.TFE_TOKEN }}");
  });

  it("takes AWS credentials from the runner's OIDC token, never from stored keys", () => {
    const aws = steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials"));
    expect(aws).toBeDefined();
    expect(JSON.stringify(workflow)).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY/);
  });
});
