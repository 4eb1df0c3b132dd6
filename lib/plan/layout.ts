import { ConfigError } from "../config/errors";
import type {
  Owner,
  PlannedAccount,
  PlannedBackend,
  PlannedRole,
  PlannedStack,
  VariableTarget,
} from "./model";
import { baseStackName, bucketOf, projectStackName } from "./naming";
import { ownerKey } from "./roles";

/**
 * The project whose stack holds an owner's roles; undefined for workspaces without one, modules
 * and HYOK configurations (which belong to the organization, not to a project).
 */
function projectOf(owner: Owner): string | undefined {
  switch (owner.kind) {
    case "workspace":
      return owner.project;
    case "project":
      return owner.name;
    case "stack":
      return owner.project;
    case "module":
    case "hyok":
      return undefined;
  }
}

/** The buckets of each project split under `shards`, by lowercase project name. */
export type BucketCounts = ReadonlyMap<string, number>;

export function bucketCounts(shards: Readonly<Record<string, number>> | undefined): BucketCounts {
  return new Map(
    Object.entries(shards ?? {}).map(([project, count]) => [project.toLowerCase(), count]),
  );
}

/**
 * Where things live. Each AWS account has a base stack with its OIDC provider (none when the
 * provider is reused), and one stack per project it holds roles for (workspaces without a
 * project share one): no state grows with the whole organization, and a plan refreshes one
 * project's resources. A project listed under `shards` is split further into buckets, chosen by a
 * hash of the workspace name, so adding, removing or renaming a workspace never moves another.
 * A workspace's or project's variables live in the stack of its first role, all in one place.
 *
 * No stack reads anything another stack creates: a role ARN written into another stack's
 * variables must be a literal (its account ID known), so every stack can be planned before any
 * is applied. A project stack still deploys after its account's base stack (`dependsOn`),
 * because its roles trust the provider that stack creates.
 */
export function planLayout(
  accounts: readonly PlannedAccount[],
  roles: readonly PlannedRole[],
  targets: readonly VariableTarget[],
  counts: BucketCounts,
  backendOf: (stackName: string) => PlannedBackend,
): PlannedStack[] {
  const stacks = new Map<
    string,
    {
      stack: Omit<PlannedStack, "roles" | "targets" | "backend">;
      roles: PlannedRole[];
      targets: VariableTarget[];
    }
  >();
  const bases = new Set<string>();
  for (const account of accounts) {
    if (account.oidcProvider.kind !== "created") continue;
    const name = baseStackName(account.name);
    bases.add(account.name);
    stacks.set(name, {
      stack: { name, account: account.name, kind: "base", dependsOn: [] },
      roles: [],
      targets: [],
    });
  }
  const stackOfRole = new Map<string, string>();
  const firstStackOfOwner = new Map<string, string>();
  for (const role of roles) {
    const project = projectOf(role.owner);
    const count = project === undefined ? undefined : counts.get(project.toLowerCase());
    const bucket = count === undefined ? undefined : bucketOf(role.owner.name, count);
    const name = projectStackName(role.account, project, bucket);
    let entry = stacks.get(name);
    if (entry === undefined) {
      entry = {
        stack: {
          name,
          account: role.account,
          kind: "project",
          ...(project === undefined ? {} : { project }),
          ...(bucket === undefined ? {} : { bucket }),
          dependsOn: bases.has(role.account) ? [baseStackName(role.account)] : [],
        },
        roles: [],
        targets: [],
      };
      stacks.set(name, entry);
    }
    entry.roles.push(role);
    stackOfRole.set(`${role.key}\u0000${role.account}`, name);
    const owner = ownerKey(role.owner);
    if (!firstStackOfOwner.has(owner)) firstStackOfOwner.set(owner, name);
  }
  const roleByKey = new Map(roles.map((role) => [role.key, role]));
  const problems: string[] = [];
  for (const target of targets) {
    const home = firstStackOfOwner.get(target.key);
    const entry = home === undefined ? undefined : stacks.get(home);
    if (home === undefined || entry === undefined)
      throw new Error(`variables of ${target.key} have no role`);
    entry.targets.push(target);
    for (const { key, value } of target.variables) {
      if (value.kind !== "role-arn") continue;
      const role = roleByKey.get(value.role);
      if (role === undefined) throw new Error(`${key} names no planned role ${value.role}`);
      if (role.arn === undefined && stackOfRole.get(`${role.key}\u0000${role.account}`) !== home) {
        problems.push(
          `${role.path}: the role of ${key} is in account "${role.account}", whose ID the config does not give, so its ARN is known only once that account's stack is deployed; set accountId on account "${role.account}" so the ARN is written as a literal and every stack can be planned on its own`,
        );
      }
    }
  }
  if (problems.length > 0) {
    const heading =
      problems.length === 1 ? "Config problem:" : `Config problems (${problems.length}):`;
    throw new ConfigError([heading, ...problems.map((p) => `  - ${p}`)].join("\n"), problems);
  }
  return [...stacks.values()].map(({ stack, roles: own, targets: placed }) => ({
    ...stack,
    roles: own,
    targets: placed,
    backend: backendOf(stack.name),
  }));
}
