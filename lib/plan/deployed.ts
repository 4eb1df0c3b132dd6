import { z } from "zod";
import { ACCOUNT_RESOURCES, type Members } from "./members";
import type { ResourceName } from "./model";
import { membersSchema, stackName } from "./schemas";

/**
 * The deploy record, `trust.deployed.json` beside the layout lock: what each stack's Terraform
 * state holds after its last deploy, as `npm run deploy` saw it (`lib/deploy.ts`). The lock says
 * where the config puts each member; the record says where each member is. A synth decides every
 * move from the record (see `lock.ts`), so a synth that was never deployed, or a deploy of some
 * stacks only, or one that failed, never makes a later synth import what does not exist or forget
 * what nothing else holds.
 *
 * Per stack:
 * - `members`: what its state holds (the lock's shape): after a successful deploy, what its
 *   synthesized configuration declares (Terraform made the state match it); after a failed one,
 *   what `terraform state list` shows, because an apply that fails part way has done part of it;
 * - `digest`: SHA-256 of the `cdk.tf.json` its last successful deploy applied, so the deploy knows
 *   which stacks a later synth changed;
 * - `deployed` / `attempted`: the record's deploy count (`deploys`) at its last successful deploy,
 *   and at a later failed one: the order of deploys across stacks, which a move to another
 *   account needs (a variable both stacks write must have been written last by the joining one);
 * - `unverified`: its last deploy failed, or a deploy that started the record failed before
 *   reaching it, and its state could not be read: `members` is what it held before (or, with no
 *   earlier record, what its configuration declares, as without a record), which may be wrong;
 * - `gone`: members its state may still list although another stack destroyed them (two stacks
 *   held one object during a move, and it left the config). The next refresh of this stack drops
 *   them, unless an object of the same name was made again by then: this stack must forget those,
 *   never destroy them, and no other stack may import them on its account.
 *
 * No record: moves are carried over as if every synth was deployed, as before the record existed.
 * The record is written by this app and committed with the lock, but read as untrusted input:
 * what a move imports always comes from the plan, never from the record.
 */
export const DEPLOY_RECORD_VERSION = 1;

export const deployRecordSchema = z.strictObject({
  version: z.literal(DEPLOY_RECORD_VERSION),
  /** How many stack deploys the record has counted. */
  deploys: z.int().nonnegative(),
  stacks: z.record(
    stackName,
    z.strictObject({
      account: z.string().max(64),
      kind: z.enum(["base", "project"]),
      members: membersSchema,
      digest: z
        .string()
        .regex(/^[0-9a-f]{64}$/, { error: "is not a SHA-256 digest" })
        .optional(),
      deployed: z.int().nonnegative().optional(),
      attempted: z.int().nonnegative().optional(),
      unverified: z.literal(true).optional(),
      gone: membersSchema.optional(),
    }),
  ),
});

export type DeployRecord = z.output<typeof deployRecordSchema>;
export type RecordedStack = DeployRecord["stacks"][string];

/** An empty record: nothing deployed through `npm run deploy` yet. */
export function emptyRecord(): DeployRecord {
  return { version: DEPLOY_RECORD_VERSION, deploys: 0, stacks: {} };
}

/** Whether the record says a stack's state holds a member. */
export function holds(
  record: DeployRecord,
  stack: string,
  resource: ResourceName,
  key: string,
): boolean {
  return Object.hasOwn(record.stacks[stack]?.members[resource] ?? {}, key);
}

/** The last deploy of a stack that may have written anything (successful or not); 0 for none. */
export function lastWrite(entry: RecordedStack | undefined): number {
  return Math.max(entry?.deployed ?? 0, entry?.attempted ?? 0);
}

/** A synthesized stack as the deploy records it. */
export interface DeployedStack {
  readonly name: string;
  readonly account: string;
  readonly kind: "base" | "project";
  /** What its configuration declares: what its state holds once a deploy of it succeeded. */
  readonly members: Members;
  /** SHA-256 of its `cdk.tf.json`. */
  readonly digest: string;
  /** What its configuration forgets (`removed` with `destroy = false`): gone from its state, not destroyed. */
  readonly forgets?: Members;
}

/**
 * The record after one deploy of a stack: succeeded, or failed with what its state holds now
 * (`held`; undefined when the state could not be read). A new object; the record given is left as
 * it is.
 *
 * What the stack held and no longer holds, without declaring or forgetting it, it destroyed: the
 * object is gone, so no other stack holds it any more either (another state may still list it,
 * until its next refresh drops it). Those holdings leave the record too, so that no later synth
 * imports what was destroyed.
 */
export function recordDeploy(
  record: DeployRecord,
  stack: DeployedStack,
  result: { readonly ok: true } | { readonly ok: false; readonly held: Members | undefined },
): DeployRecord {
  const n = record.deploys + 1;
  const before = record.stacks[stack.name];
  const { name, account, kind } = stack;
  let entry: RecordedStack;
  if (result.ok) {
    // Its refresh dropped what was gone, or it forgot what was made again.
    entry = { account, kind, members: sorted(stack.members), digest: stack.digest, deployed: n };
  } else {
    // What its state lists: still gone if it was (the plan may have failed before the refresh).
    const listed = result.held ?? before?.members ?? stack.members;
    const [members, gone] =
      result.held === undefined ? [listed, before?.gone ?? {}] : split(listed, before?.gone ?? {});
    entry = {
      account,
      kind,
      // Unreadable: what it held before is the best guess; a stack never deployed through the
      // record may hold what its configuration declares.
      members: sorted(members),
      ...(before?.digest === undefined ? {} : { digest: before.digest }),
      ...(before?.deployed === undefined ? {} : { deployed: before.deployed }),
      attempted: n,
      ...(result.held === undefined ? { unverified: true as const } : {}),
      ...(Object.keys(sorted(gone)).length > 0 ? { gone: sorted(gone) } : {}),
    };
  }
  const destroyed = destroyedBy(before?.members, entry.members, stack);
  const stacks: Record<string, RecordedStack> = { [name]: entry };
  for (const [other, held] of Object.entries(record.stacks)) {
    if (other === name) continue;
    stacks[other] = destroyed.length === 0 ? held : withGone(held, destroyed, account);
  }
  return {
    version: DEPLOY_RECORD_VERSION,
    deploys: n,
    stacks: Object.fromEntries(Object.entries(stacks).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** Members listed, split into those held and those another stack destroyed (`gone`). */
function split(listed: Members, gone: Members): [Members, Members] {
  const held: Record<string, Record<string, string>> = {};
  const still: Record<string, Record<string, string>> = {};
  for (const [resource, keys] of Object.entries(listed) as Array<
    [ResourceName, Record<string, string>]
  >) {
    for (const [key, ref] of Object.entries(keys)) {
      const into = Object.hasOwn(gone[resource] ?? {}, key) ? still : held;
      into[resource] = { ...into[resource], [key]: ref };
    }
  }
  return [held as Members, still as Members];
}

/** Members a deploy destroyed: held before, not held after, neither declared nor forgotten. */
function destroyedBy(
  before: Members | undefined,
  after: Members,
  stack: DeployedStack,
): Array<[string, string]> {
  const destroyed: Array<[string, string]> = [];
  for (const [resource, keys] of Object.entries(before ?? {}) as Array<
    [ResourceName, Record<string, string>]
  >) {
    for (const key of Object.keys(keys)) {
      const kept = [after, stack.members, stack.forgets ?? {}].some((m) =>
        Object.hasOwn(m[resource] ?? {}, key),
      );
      if (!kept) destroyed.push([resource, key]);
    }
  }
  return destroyed;
}

/**
 * A stack's entry with what another deploy destroyed moved from `members` to `gone` (an AWS
 * object only in the account it was in).
 */
function withGone(
  entry: RecordedStack,
  destroyed: ReadonlyArray<[string, string]>,
  account: string,
): RecordedStack {
  let members: Record<string, Record<string, string>> | undefined;
  const gone: Record<string, Record<string, string>> = { ...entry.gone };
  for (const [resource, key] of destroyed) {
    if (ACCOUNT_RESOURCES.has(resource) && entry.account !== account) continue;
    const ref = entry.members[resource as ResourceName]?.[key];
    if (ref === undefined) continue;
    members ??= Object.fromEntries(Object.entries(entry.members).map(([r, k]) => [r, { ...k }]));
    delete members[resource]?.[key];
    gone[resource] = { ...gone[resource], [key]: ref };
  }
  if (members === undefined) return entry;
  return { ...entry, members: sorted(members as Members), gone: sorted(gone as Members) };
}

/** Members with resources and keys in order, so the record changes only when they do. */
export function sorted(members: Members): Members {
  return Object.fromEntries(
    Object.entries(members)
      .filter(([, keys]) => Object.keys(keys).length > 0)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([resource, keys]) => [
        resource,
        Object.fromEntries(Object.entries(keys).sort(([a], [b]) => a.localeCompare(b))),
      ]),
  ) as Members;
}
