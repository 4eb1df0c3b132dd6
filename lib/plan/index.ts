import { ConfigError } from "../config/errors";
import type { TrustConfig } from "../config/schema";
import { planAccounts } from "./accounts";
import type { DeployRecord } from "./deployed";
import { bucketCounts, planLayout } from "./layout";
import { carryOver, guardsCreated, guardsHyok, type LayoutLock } from "./lock";
import { HYOK_MEMBER_RESOURCES } from "./members";
import type { PlannedBackend, TrustPlan } from "./model";
import { baseStackName, hyokKey, projectStackName, stateWorkspaceName } from "./naming";
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
  // A HYOK configuration is never carried to another stack (its import needs its ID) nor made
  // again there (that would be another configuration): its entry must stay in its account.
  const moved = [...relocations, ...recreated].filter((r) => HYOK_MEMBER_RESOURCES.has(r.resource));
  if (moved.length > 0) {
    const problems = [
      ...new Set(
        moved.map(
          (r) =>
            `${r.ref.replace(/^hyok:/, "HYOK configuration ")} would move from stack ${r.from} to ${r.to}: its HCP Terraform objects stay in the stack that made them; keep the entry's account, or retire the configuration (revoke it in HCP Terraform, wait for the migration, remove the entry) and add it again under a new name`,
        ),
      ),
    ];
    throw new ConfigError(
      [
        problems.length === 1 ? "Config problem:" : `Config problems (${problems.length}):`,
        ...problems.map((p) => `  - ${p}`),
      ].join("\n"),
      problems,
    );
  }
  // Retired HYOK configurations: forgotten by the stack of their account's roles for no project,
  // which holds them (if it never did, they were never deployed and there is nothing to forget).
  const retired = new Map<string, string[]>();
  for (const entry of config.hyok ?? []) {
    if (!entry.retired) continue;
    const account = entry.account ?? (accounts.length === 1 ? accounts[0]?.name : undefined) ?? "";
    const name = projectStackName(account, undefined);
    retired.set(name, [...(retired.get(name) ?? []), hyokKey(entry.name)]);
  }
  const all = [...stacks, ...emptied].map((planned) => {
    const keeps = kept.get(planned.name);
    const stack = {
      ...planned,
      ...(keeps === undefined ? {} : { kept: keeps }),
      ...(awaited.has(planned.name) ? { awaited: true } : {}),
    };
    let next = guardsCreated(stack, previous, record) ? { ...stack, guardsCreated: true } : stack;
    if (guardsHyok(stack, previous)) next = { ...next, guardsHyok: true };
    const forgets = retired.get(stack.name);
    return forgets === undefined ? next : { ...next, retiredHyok: forgets };
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
