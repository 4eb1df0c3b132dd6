import type { TrustConfig } from "../config/schema";
import { planAccounts } from "./accounts";
import { bucketCounts, planLayout } from "./layout";
import type { PlannedBackend, TrustPlan } from "./model";
import { stateWorkspaceName } from "./naming";
import { planRoles } from "./roles";
import { planVariables } from "./variables";

export type * from "./model";

/**
 * The plan of a validated config: accounts, roles, variables and stacks, as plain data.
 * Throws `ConfigError` when the config asks for something no deploy order could satisfy.
 */
export function planTrust(config: TrustConfig): TrustPlan {
  const { organization, hostname, audience } = config.hcp;
  const accounts = planAccounts(config);
  const roles = planRoles(config, accounts);
  const targets = planVariables(roles, audience);
  const stacks = planLayout(accounts, roles, targets, bucketCounts(config.shards), (name) =>
    planBackend(config, name),
  );
  return { hcp: { organization, hostname, audience }, accounts, roles, targets, stacks };
}

/** Where a stack keeps its state. Without `backend`: cdktf's default, `terraform.STACK.tfstate`. */
function planBackend(config: TrustConfig, stackName: string): PlannedBackend {
  const { backend } = config;
  if (backend?.cloud !== undefined) {
    const { organization, hostname, workspacePrefix, project } = backend.cloud;
    return {
      kind: "cloud",
      organization: organization ?? config.hcp.organization,
      hostname: hostname ?? config.hcp.hostname,
      workspace: stateWorkspaceName(workspacePrefix, stackName),
      ...(project === undefined ? {} : { project }),
    };
  }
  if (backend?.s3 !== undefined) {
    const { bucket, keyPrefix, region, dynamodbTable } = backend.s3;
    return {
      kind: "s3",
      bucket,
      key: `${keyPrefix}${stackName}.tfstate`,
      region,
      ...(dynamodbTable === undefined ? {} : { dynamodbTable }),
    };
  }
  return { kind: "local" };
}
