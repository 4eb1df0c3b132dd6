import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeLifecycles, prepareDeployment } from "./deployment";
import { terraformGate } from "./gate";
import {
  type AwsWorld,
  awsWorldFile,
  emptyAwsWorld,
  emptyTfeWorld,
  readWorld,
  type TfeWorld,
  tfeWorldFile,
} from "./provider/world";

const enabled = terraformGate();

/**
 * The shipped example, deployed stack by stack by the real Terraform against the test providers:
 * init, validate, plan, apply, and a plan that finds nothing to change.
 */
describe.skipIf(!enabled)("trust.yaml under the real Terraform", () => {
  const deployment = enabled ? prepareDeployment(readFileSync("trust.yaml", "utf8")) : undefined;
  describeLifecycles(deployment?.stacks ?? []);

  it("leaves in the world what the stacks declare", () => {
    const dir = deployment?.world ?? "";
    const aws = readWorld<AwsWorld>(awsWorldFile(dir), () => emptyAwsWorld(""));
    const tfe = readWorld<TfeWorld>(tfeWorldFile(dir), emptyTfeWorld);
    const account = aws.accounts["111122223333"];
    expect(account?.providers.map((p) => p.arn)).toEqual([
      "arn:aws:iam::111122223333:oidc-provider/app.terraform.io",
    ]);
    const billing = account?.roles.find((r) => r.name === "tfc-acme-corp-app-billing-prod");
    expect(billing?.attached).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    expect(Object.keys(billing?.inline ?? {})).toEqual(["inline"]);
    const workspace = tfe.workspaces.find((w) => w.name === "app-billing-prod");
    expect(Object.fromEntries((workspace?.vars ?? []).map((v) => [v.key, v.value]))).toEqual({
      TFC_AWS_PROVIDER_AUTH: "true",
      TFC_AWS_RUN_ROLE_ARN: "arn:aws:iam::111122223333:role/tfc-acme-corp-app-billing-prod",
    });
  });
});
