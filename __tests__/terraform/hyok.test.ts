import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { planTrust } from "../../lib/plan";
import { type LayoutLock, lockOf } from "../../lib/plan/lock";
import { synthStacksRaw } from "../helpers/synth";
import { type DeployedStack, describeLifecycles, prepareDeployment } from "./deployment";
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
const TEXT = readFileSync(join(__dirname, "..", "..", "examples", "hyok.yaml"), "utf8");
const STACK = "hcp-aws-trust-security.any.project";

/** Writes what a later synth (after the synth that wrote `lock`) makes of the stack, with local state. */
function resynth(stack: DeployedStack, config: Record<string, unknown>, lock: LayoutLock): void {
  const { dependencies: _, ...json } = synthStacksRaw(config, lock)[stack.name] ?? {};
  const terraform = { ...(json as { terraform?: Record<string, unknown> }).terraform };
  delete terraform.backend;
  delete terraform.cloud;
  terraform.backend = { local: { path: "terraform.tfstate" } };
  writeFileSync(join(stack.dir, "cdk.tf.json"), JSON.stringify({ ...json, terraform }, null, 2));
}

/**
 * examples/hyok.yaml under Terraform 1.11 with the test providers: every stack applies and plans
 * clean; then, in the account stack of one configuration, removing the entry stops the plan
 * (`prevent_destroy`) and retiring it forgets the HCP Terraform objects (they stay) and destroys
 * the role.
 */
describe.skipIf(!enabled)("HYOK configurations under the real Terraform", () => {
  const deployment = enabled ? prepareDeployment(TEXT) : undefined;
  describeLifecycles(deployment?.stacks ?? []);

  it("guards a removed entry, and forgets a retired configuration without deleting it", async () => {
    if (deployment === undefined) return;
    const stack = deployment.stack(STACK);
    const tfe = () => readWorld<TfeWorld>(tfeWorldFile(deployment.world), emptyTfeWorld);
    const roles = () =>
      readWorld<AwsWorld>(awsWorldFile(deployment.world), () => emptyAwsWorld("")).accounts[
        "111122223333"
      ]?.roles.map((r) => r.name) ?? [];
    expect(tfe().hyokConfigurations.map((c) => [c.name, c.kekId, c.keyRegion])).toEqual(
      expect.arrayContaining([
        [
          "acme-primary",
          "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
          "us-east-1",
        ],
      ]),
    );
    const oidc = tfe().awsOidcConfigurations.find((c) =>
      c.roleArn.endsWith(":role/tfc-acme-hyok-acme-primary"),
    );
    expect(oidc).toBeDefined();
    expect(roles()).toContain("tfc-acme-hyok-acme-primary");

    const config = parse(TEXT) as Record<string, unknown> & { hyok: Record<string, unknown>[] };
    const lock = lockOf(planTrust(parseConfig(TEXT)));

    // The entry removed: the plan stops, nothing changes.
    const removed = { ...config, hyok: config.hyok.slice(1) };
    const second = lockOf(planTrust(parseConfig(JSON.stringify(removed)), lock));
    for (const previous of [lock, second]) {
      resynth(stack, removed, previous);
      const plan = await stack.run("plan", "-input=false");
      expect(plan.status, plan.stdout).toBe(1);
      expect(plan.stderr).toContain("Instance cannot be destroyed");
    }
    expect(roles()).toContain("tfc-acme-hyok-acme-primary");

    // Retired: the HYOK and OIDC configurations are forgotten (they stay), the role destroyed.
    const retired = {
      ...config,
      hyok: [{ ...config.hyok[0], retired: true }, ...config.hyok.slice(1)],
    };
    resynth(stack, retired, lock);
    const apply = await stack.run("apply", "-auto-approve", "-input=false");
    expect(apply.status, `${apply.stdout}\n${apply.stderr}`).toBe(0);
    expect(tfe().hyokConfigurations.map((c) => c.name)).toContain("acme-primary");
    expect(tfe().awsOidcConfigurations.map((c) => c.id)).toContain(oidc?.id);
    expect(roles()).not.toContain("tfc-acme-hyok-acme-primary");
    const again = await stack.run("plan", "-detailed-exitcode", "-input=false");
    expect(again.status, again.stdout).toBe(0);

    // Then the entry goes: nothing left to destroy, the guard's empty block plans clean.
    const after = lockOf(planTrust(parseConfig(JSON.stringify(retired)), lock));
    resynth(stack, removed, after);
    const last = await stack.run("plan", "-detailed-exitcode", "-input=false");
    expect(last.status, `${last.stdout}\n${last.stderr}`).toBe(0);
  });
});
