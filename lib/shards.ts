import { createHash } from "node:crypto";
import { shortHash } from "./hash";
import { PRODUCT } from "./product";
import type { PlannedRole, RoleOwner } from "./role-plan";

/**
 * Where things live. Each AWS account has a base stack with its OIDC provider, and one stack per
 * project it holds roles for (workspaces without a project share one): no state grows with the
 * whole organization, and a plan refreshes one project's resources. A project listed under
 * `shards` is split further into a fixed number of buckets, chosen by a hash of the workspace
 * name, so adding, removing or renaming a workspace never moves another one.
 */
export interface ShardKey {
  readonly account: string;
  /** Undefined: workspaces without a project. */
  readonly project?: string;
  /** Set for a project split into buckets. */
  readonly bucket?: number;
}

/** The base stack of an account: its OIDC provider. */
export function baseStackName(account: string): string {
  return `${PRODUCT}-${account}`;
}

/**
 * A project name as part of a stack name: as it is when it has no spaces, else with `-` for
 * spaces and a hash of the name, so names that differ only there stay apart.
 */
export function projectSlug(project: string | undefined): string {
  if (project === undefined) return "any.project";
  if (!project.includes(" ")) return project;
  return `${project.replace(/ /g, "-")}-${shortHash(project, 6)}`;
}

/**
 * The stack of a shard: `hcp-aws-trust-ACCOUNT.PROJECT[.bBUCKET]`. Account names and project
 * slugs never hold a `.`, so the parts can never run into each other.
 */
export function shardStackName(key: ShardKey): string {
  const bucket = key.bucket === undefined ? "" : `.b${key.bucket}`;
  return `${baseStackName(key.account)}.${projectSlug(key.project)}${bucket}`;
}

/** The bucket of a name among `count`: stable, whatever else is in the config. */
export function bucketOf(name: string, count: number): number {
  const hash = createHash("sha256").update(name.toLowerCase()).digest();
  return hash.readUInt32BE(0) % count;
}

/** The buckets of each project split under `shards`, by lowercase project name. */
export type ShardCounts = ReadonlyMap<string, number>;

export function shardCounts(shards: Readonly<Record<string, number>> | undefined): ShardCounts {
  return new Map(
    Object.entries(shards ?? {}).map(([project, count]) => [project.toLowerCase(), count]),
  );
}

function keyFor(
  account: string,
  project: string | undefined,
  bucketName: string,
  counts: ShardCounts,
): ShardKey {
  const count = project === undefined ? undefined : counts.get(project.toLowerCase());
  return {
    account,
    ...(project === undefined ? {} : { project }),
    ...(count === undefined ? {} : { bucket: bucketOf(bucketName, count) }),
  };
}

/** The shard of a role: its account, the project of its owner, and the bucket of its owner's name. */
export function shardOfRole(role: PlannedRole, counts: ShardCounts): ShardKey {
  return shardOfOwner(role.owner, role.account, counts);
}

/** The shard an owner's things live in, in a given account. */
export function shardOfOwner(owner: RoleOwner, account: string, counts: ShardCounts): ShardKey {
  if (owner.kind === "workspace")
    return keyFor(account, owner.workspace.project, owner.workspace.name, counts);
  return keyFor(account, owner.project.name, owner.project.name, counts);
}
