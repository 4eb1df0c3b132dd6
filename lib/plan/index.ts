import { ConfigError } from "../config/errors";
import type { TrustConfig } from "../config/schema";
import { planAccounts } from "./accounts";
import type { DeployRecord } from "./deployed";
import { bucketCounts, planLayout } from "./layout";
import { carryOver, guardsCreated, type LayoutLock } from "./lock";
import type { PlannedBackend, TrustPlan } from "./model";
import { baseStackName, stateWorkspaceName } from "./naming";
import { checkPinsFor, type Pins, pinningOf, trustedNames } from "./pins";
import { planRoles } from "./roles";
import { planVariables } from "./variables";

export type * from "./model";

/**
 * The plan of a validated config: accounts, roles, variables and stacks, as plain data, and what
 * carries earlier deploys over: the layout lock of the previous synth (`previous`) and, when
 * there is one, the deploy record (what each stack's state holds; see `lock.ts`).
 * Throws `ConfigError` when the config asks for something no deploy order could satisfy.
 */
export function planTrust(
  config: TrustConfig,
  previous?: LayoutLock,
  pins?: Pins,
  record?: DeployRecord,
): TrustPlan {
  const { organization, hostname, audience } = config.hcp;
  checkPinsFor(pins, config.hcp);
  const accounts = planAccounts(config);
  const roles = planRoles(config, accounts, pins);
  const targets = planVariables(roles, audience);
  const stacks = planLayout(accounts, roles, targets, bucketCounts(config.shards), (name) =>
    planBackend(config, name),
  );
  const plan = {
    hcp: { organization, hostname, audience },
    accounts,
    roles,
    targets,
    stacks,
    relocations: [],
    recreated: [],
    ...(pins === undefined ? {} : { pins }),
    pinning: pinningOf(
      trustedNames(
        organization,
        roles.map((role) => role.owner),
      ),
      pins,
    ),
  };
  const known = new Set(accounts.map((account) => account.name));
  const { emptied, relocations, kept, awaited, recreated } = carryOver(
    previous,
    plan,
    (name, former) => {
      if (!known.has(former.account)) {
        throw new ConfigError(
          `account "${former.account}" is gone from the config, but stack ${name} still holds what an earlier deploy made there (the layout lock${record === undefined ? "" : " and the deploy record"}): keep the account in the config, with no workspaces, until that stack's deploy has destroyed them`,
        );
      }
      const base = baseStackName(former.account);
      return {
        name,
        account: former.account,
        kind: former.kind,
        roles: [],
        targets: [],
        dependsOn: former.kind === "project" && stacks.some((s) => s.name === base) ? [base] : [],
        backend: planBackend(config, name),
      };
    },
    record,
  );
  const all = [...stacks, ...emptied].map((planned) => {
    const keeps = kept.get(planned.name);
    const stack = {
      ...planned,
      ...(keeps === undefined ? {} : { kept: keeps }),
      ...(awaited.has(planned.name) ? { awaited: true } : {}),
    };
    return guardsCreated(stack, previous, record) ? { ...stack, guardsCreated: true } : stack;
  });
  return { ...plan, stacks: all, relocations, recreated };
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
