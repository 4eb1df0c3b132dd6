import { z } from "zod";
import {
  ACCOUNT_RESOURCES,
  type Members,
  membersOf,
  RESOURCES,
  type ResourceName,
  whyNotImportable,
} from "./members";
import type { PlannedStack, Relocation, TrustPlan } from "./model";

/**
 * The layout lock, `trust.lock.json`: which stack holds each role, variable and workspace,
 * committed beside the config. With it, a synth knows what the previous deploy put where, so
 * - a stack that lost its last member is still synthesized, empty, and its deploy destroys
 *   what it held (a role must never keep trusting a workspace name anyone could re-create);
 * - a member that moved to another stack is forgotten by the old stack and imported by the new
 *   one, never destroyed and re-created (no outage, no "already exists").
 * No lock: a first synth.
 */
export const LOCK_VERSION = 1;

const membersSchema = z.partialRecord(
  z.enum(Object.values(RESOURCES) as [ResourceName, ...ResourceName[]]),
  z.record(z.string().max(1024), z.string().max(2048)),
);

/**
 * A stack name as this app writes them (`hcp-aws-trust-ACCOUNT[.PROJECT[.bN]]`): it becomes a
 * folder of the output, so nothing that could leave it (`/`, `\`, `..`) or hide (control
 * characters) is accepted.
 */
export const stackName = z
  .string()
  .max(512)
  .regex(/^hcp-aws-trust-[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){0,3}$/, {
    error: "is not a stack name this app writes (hcp-aws-trust-ACCOUNT[.PROJECT[.bN]])",
  });

export const lockSchema = z.strictObject({
  version: z.literal(LOCK_VERSION),
  stacks: z.record(
    stackName,
    z.strictObject({
      account: z.string().max(64),
      kind: z.enum(["base", "project"]),
      /** Set when the stack holds nothing any more: deploy it once (it destroys what it held), then retire it. */
      empty: z.boolean().optional(),
      /**
       * Set once the stack has held a created workspace, and kept: its `tfe_workspace.created`
       * block stays (with an empty map) so `prevent_destroy` still guards whatever its state
       * holds, however many synths run between removing the entry and deploying.
       */
      guardsCreated: z.literal(true).optional(),
      /**
       * Set once the stack has held a HYOK configuration, and kept: its
       * `tfe_hyok_configuration.hyok` block stays (with an empty map) so `prevent_destroy`
       * refuses to destroy one whose entry was removed before it was revoked.
       */
      guardsHyok: z.literal(true).optional(),
      members: membersSchema,
    }),
  ),
  /**
   * Members that left a stack for another: kept while they stay away, so the leaving stack
   * forgets them and the joining one imports them whichever is deployed first, and whenever.
   */
  relocations: z
    .array(
      z.strictObject({
        resource: z.enum(Object.values(RESOURCES) as [ResourceName, ...ResourceName[]]),
        key: z.string().max(1024),
        ref: z.string().max(2048),
        from: stackName,
        to: stackName,
      }),
    )
    .optional(),
});

export type LayoutLock = z.output<typeof lockSchema>;
export type LockedStack = LayoutLock["stacks"][string];

/** The lock of a plan (after relocation: emptied stacks are in the plan, marked empty). */
export function lockOf(plan: TrustPlan): LayoutLock {
  const stacks: Record<string, LockedStack> = {};
  for (const stack of [...plan.stacks].sort((a, b) => a.name.localeCompare(b.name))) {
    const members = sortMembers(membersOf(stack));
    const empty = stack.kind === "project" && Object.keys(members).length === 0;
    stacks[stack.name] = {
      account: stack.account,
      kind: stack.kind,
      ...(empty ? { empty } : {}),
      ...(stack.guardsCreated === true ? { guardsCreated: true as const } : {}),
      ...(stack.guardsHyok === true ? { guardsHyok: true as const } : {}),
      members,
    };
  }
  const relocations = [...plan.relocations].sort((a, b) =>
    `${a.from} ${a.resource} ${a.key}`.localeCompare(`${b.from} ${b.resource} ${b.key}`),
  );
  return { version: LOCK_VERSION, stacks, ...(relocations.length > 0 ? { relocations } : {}) };
}

function sortMembers(members: Members): Members {
  return Object.fromEntries(
    Object.entries(members)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([resource, keys]) => [
        resource,
        Object.fromEntries(Object.entries(keys).sort(([a], [b]) => a.localeCompare(b))),
      ]),
  ) as Members;
}

/**
 * Whether a stack must keep its `tfe_workspace.created` block: it creates workspaces now, or
 * the previous lock says it held created workspaces (as members, or by the sticky flag).
 * Terraform checks `prevent_destroy` only while the resource has configuration
 * (`checkPreventDestroy` in hashicorp/terraform), so dropping the block with the last created
 * workspace would let the plan destroy it.
 */
export function guardsCreated(stack: PlannedStack, previous: LayoutLock | undefined): boolean {
  const locked = previous?.stacks[stack.name];
  const heldBefore =
    locked?.guardsCreated === true ||
    Object.keys(locked?.members[RESOURCES.workspace] ?? {}).length > 0;
  return heldBefore || Object.keys(membersOf(stack)[RESOURCES.workspace] ?? {}).length > 0;
}

/**
 * Whether a stack must keep its `tfe_hyok_configuration.hyok` block: it holds HYOK
 * configurations now, or the previous lock says it held some (as members, or by the sticky flag).
 * As for created workspaces ({@link guardsCreated}), `prevent_destroy` guards only while the
 * resource block is there.
 */
export function guardsHyok(stack: PlannedStack, previous: LayoutLock | undefined): boolean {
  const locked = previous?.stacks[stack.name];
  const heldBefore =
    locked?.guardsHyok === true ||
    Object.keys(locked?.members[RESOURCES.hyokConfiguration] ?? {}).length > 0;
  return heldBefore || Object.keys(membersOf(stack)[RESOURCES.hyokConfiguration] ?? {}).length > 0;
}

/** What a synth must add to its plan so that the deploy carries the previous one over. */
export interface Carryover {
  /** Stacks of the lock that the plan no longer has: synthesized empty, so their deploy destroys what they held. */
  readonly emptied: readonly PlannedStack[];
  readonly relocations: readonly Relocation[];
  /**
   * Members that change stack but cannot be imported ({@link whyNotImportable}): the stack they
   * leave destroys them and the one they join creates them, so the leaving stack deploys first.
   */
  readonly recreated: readonly Relocation[];
}

/**
 * Compares the previous lock with a plan. `emptyStack` builds the empty stack of a name the plan
 * lost (with its backend), so that its deploy destroys what it held.
 */
export function carryOver(
  previous: LayoutLock | undefined,
  plan: TrustPlan,
  emptyStack: (name: string, locked: LockedStack) => PlannedStack,
): Carryover {
  if (previous === undefined) return { emptied: [], relocations: [], recreated: [] };
  // The lock is reviewed in pull requests but still untrusted: what a relocation imports (its
  // key and reference) always comes from the plan; the lock only says where a member was.
  const now = new Map<string, { stack: string; account: string; ref: string }>();
  for (const stack of plan.stacks) {
    for (const [resource, keys] of Object.entries(membersOf(stack))) {
      for (const [key, ref] of Object.entries(keys))
        now.set(`${resource} ${key}`, { stack: stack.name, account: stack.account, ref });
    }
  }
  // Earlier relocations first, then members that left their stack since the last synth; one per
  // member and stack left, pointing at where the member is now.
  const relocations = new Map<string, Relocation>();
  const recreated = new Map<string, Relocation>();
  const consider = (resource: ResourceName, key: string, from: string, account: string) => {
    const where = now.get(`${resource} ${key}`);
    // Gone from the config: the stack that holds it destroys it. Back home: nothing to carry.
    if (where === undefined || where.stack === from) return;
    // An AWS object in another account is another object: the old one is destroyed, a new one made.
    if (ACCOUNT_RESOURCES.has(resource) && where.account !== account) return;
    const move = { resource, key, ref: where.ref, from, to: where.stack };
    // What cannot be imported is destroyed where it was and created where it is.
    if (whyNotImportable(resource, where.ref) !== undefined)
      recreated.set(`${from} ${resource} ${key}`, move);
    else relocations.set(`${from} ${resource} ${key}`, move);
  };
  for (const r of previous.relocations ?? []) {
    consider(r.resource, r.key, r.from, previous.stacks[r.from]?.account ?? "");
  }
  for (const [name, locked] of Object.entries(previous.stacks)) {
    for (const [resource, keys] of Object.entries(locked.members) as Array<
      [ResourceName, Record<string, string>]
    >) {
      for (const key of Object.keys(keys)) consider(resource, key, name, locked.account);
    }
  }
  const planned = new Set(plan.stacks.map((stack) => stack.name));
  // A stack that members left is still synthesized (it forgets them), even once empty.
  const stillNeeded = new Set([...relocations.values()].map((r) => r.from));
  const emptied = Object.entries(previous.stacks)
    .filter(([name]) => !planned.has(name) || stillNeeded.has(name))
    .filter(([name]) => !planned.has(name))
    .map(([name, locked]) => emptyStack(name, locked));
  return { emptied, relocations: [...relocations.values()], recreated: [...recreated.values()] };
}
