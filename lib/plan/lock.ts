import { z } from "zod";
import { parsePolicyArn } from "../config/arns";
import { roleArnFor } from "./accounts";
import { type DeployRecord, holds, lastWrite } from "./deployed";
import {
  ACCOUNT_RESOURCES,
  attachmentKey,
  declaredMembers,
  type Members,
  membersOf,
  RESOURCES,
  type ResourceName,
  whyNotImportable,
} from "./members";
import type {
  KeptMembers,
  PlannedAccount,
  PlannedRole,
  PlannedStack,
  PlannedVariable,
  Relocation,
  TrustPlan,
  VariableTarget,
} from "./model";
import { ownerKey } from "./roles";
import { membersSchema, resourceName, stackName } from "./schemas";

export { stackName };

/**
 * The layout lock, `trust.lock.json`, and how a synth carries earlier deploys over.
 *
 * The lock, committed beside the config, says which stack each role, variable and created
 * workspace was placed in by the last synth. With it
 * - a stack that lost its last member is still synthesized, empty, and its deploy destroys what
 *   it held (a role must never keep trusting a workspace name anyone could re-create);
 * - a member that moves to another stack (a workspace to another project or bucket) is handed
 *   over: imported by the stack it joins, forgotten by the one it leaves, never destroyed and
 *   created again (no outage, no "already exists").
 *
 * When to hand a member over is a question about deploys, not synths. A state changes only when
 * its stack is deployed, and any stack may be deployed, or fail part way, at any time, in any
 * order, after any number of synths. So every move is decided from the deploy record
 * (`deployed.ts`: what each state holds), and for any interleaving of edits, synths and partial
 * or failed deploys this holds: every object that exists is held by a state (none is orphaned,
 * never destroyed, trusting its workspace name for ever); no `import` names an object that does
 * not exist; a variable of a workspace the config has, once it exists, names a role that exists.
 * A full deploy (`npm run deploy -- --all`, which synthesizes again and deploys what changed until
 * nothing does) then leaves every object held by exactly the stack the config places it in, and
 * nothing else. `__tests__/plan/deploy-sequences.test.ts` checks it over random interleavings,
 * against a model of Terraform states; `__tests__/handover-synth.test.ts` that the synthesized
 * stacks are what the model reads.
 *
 * For a member M that the config places in stack T and that the record says stack S (not T) holds:
 * 1. S keeps declaring M (`PlannedStack.kept`), with the values T declares, and T imports it
 *    (it exists: S holds it). Both states hold one object with one configuration for a while, so
 *    deploying either of them, in any order and again, undoes nothing the other did; an `import`
 *    of an object already in the state is a no-op. Should M leave the config now, neither
 *    declares it, and whichever holds it destroys it (the other's refresh finds it gone). The
 *    record then has M `gone` from the other: should M come back before that stack is deployed,
 *    an object of its name may exist again while that state still lists the old one, so that
 *    stack forgets it, never destroys it, and nothing is imported on its account.
 * 2. Once the record shows T holds M, S forgets it (`moved` to an address of its own, then
 *    `removed` with `destroy = false`). M is never in no state: T holds it.
 * 3. Once the record shows S no longer holds M, nothing is left to carry.
 * A member no state holds is simply created where the config puts it: nothing is imported, so a
 * synth that was never deployed leaves no import of an object that does not exist. Members move
 * per owner (a workspace's or project's roles, attachments, variables, created workspace) and
 * pair of stacks: S forgets them together once T holds them all, so S never declares a variable
 * without the role or workspace it names. A set of members that S could not declare as Terraform
 * reads it (a variable without the role it names: only a state changed outside these rules) is
 * forgotten and imported at once, as without a record.
 *
 * Accounts. An AWS object in another account is another object: a workspace moving to another
 * account gets a new role there (T creates it) while its variables, the same HCP Terraform
 * objects, are handed over. T's variables name the new role, which exists only once T is
 * deployed (and whose ARN S may not know), so S does not write them: S keeps its own role (the
 * old one, with the values planned for it in S's account; attachments only of policies it
 * already has) and keeps the variables naming that one. Both stacks write the variables then,
 * each naming a role that exists. S forgets them, and destroys its role, only once the record
 * shows T was deployed successfully after S's last deploy (`deployed` / `attempted`): the last
 * write named the new role. Until then T is `awaited`: the deploy deploys it again even if its
 * configuration is unchanged. An old role is one object however many stacks of its account hold
 * it: each keeps it while any of them keeps variables naming it.
 *
 * Within one apply, the variables `depends_on` the stack's roles, so a variable is never written
 * naming a role not created yet (a literal ARN alone gives Terraform no order). Nothing orders a
 * role's destroy after the update of a variable that named it, so no deploy is asked for both:
 * T writes the variables, S destroys the old role, in deploys of their own.
 *
 * Created workspaces (`tfe_workspace.created`, with `prevent_destroy`) are handed over like any
 * member: kept by S with T's values (S's deploy may move the workspace to its new project, as
 * T's would), then forgotten, which destroys nothing. Both stacks write the resource block, so
 * removing a created workspace from the config stops the plan of whichever holds it, as it does
 * without a move (see `guardsCreated`).
 *
 * Outside this: what the record cannot see (a deploy without `npm run deploy`, a state changed by
 * hand, a failed deploy whose state could not be read: `unverified`, which the synth warns of);
 * registry modules' test variables, which cannot be imported (S destroys them, T creates them).
 * No record at all: every synth is assumed deployed, as before the record existed: S forgets M
 * and T imports it in the same synth, which orphans M if S is deployed and M is removed before T
 * is, and fails T's import if M was placed in S by a synth that was never deployed. The synth
 * warns of it.
 */
export const LOCK_VERSION = 1;

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
   * Members on their way from a stack to another, as the synth decided (see the top). Without a
   * deploy record the next synth carries them on; with one, it decides again from the record.
   */
  relocations: z
    .array(
      z.strictObject({
        resource: resourceName,
        key: z.string().max(1024),
        ref: z.string().max(2048),
        from: stackName,
        to: stackName,
        phase: z.enum(["keep", "forget"]).optional(),
        imports: z.boolean().optional(),
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
    // A stack that still keeps members for a move is not done yet.
    const empty = stack.kind === "project" && Object.keys(declaredMembers(stack)).length === 0;
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
 * Whether a stack must keep its `tfe_workspace.created` block: it creates (or keeps) workspaces
 * now, or the previous lock or the deploy record says it held created workspaces (as members, or
 * by the sticky flag). Terraform checks `prevent_destroy` only while the resource has
 * configuration (`checkPreventDestroy` in hashicorp/terraform), so dropping the block with the
 * last created workspace would let the plan destroy it.
 */
export function guardsCreated(
  stack: PlannedStack,
  previous: LayoutLock | undefined,
  record?: DeployRecord,
): boolean {
  const locked = previous?.stacks[stack.name];
  const heldBefore =
    locked?.guardsCreated === true ||
    Object.keys(locked?.members[RESOURCES.workspace] ?? {}).length > 0 ||
    Object.keys(record?.stacks[stack.name]?.members[RESOURCES.workspace] ?? {}).length > 0;
  return heldBefore || Object.keys(declaredMembers(stack)[RESOURCES.workspace] ?? {}).length > 0;
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

/** What a synth must add to its plan so that the deploy carries earlier deploys over. */
export interface Carryover {
  /**
   * Stacks the plan no longer has but that may hold something (the lock's, and with a record,
   * those it says hold members): synthesized empty, or with what they keep, so their deploy
   * destroys what they held and hands over what moved.
   */
  readonly emptied: readonly PlannedStack[];
  readonly relocations: readonly Relocation[];
  /** What each stack keeps declaring for members on their way elsewhere, by stack name. */
  readonly kept: ReadonlyMap<string, KeptMembers>;
  /** Stacks a move waits to see deployed (again). */
  readonly awaited: ReadonlySet<string>;
  /**
   * Members that change stack but cannot be imported ({@link whyNotImportable}): the stack they
   * leave destroys them and the one they join creates them, so the leaving stack deploys first.
   */
  readonly recreated: readonly Relocation[];
}

/** Where an emptied stack was: its account and kind. */
export type FormerStack = Pick<LockedStack, "account" | "kind">;

/**
 * Compares what earlier synths and deploys left (the lock, and the deploy record when there is
 * one) with a plan; see the top of this file. `emptyStack` builds the empty stack of a name the
 * plan lost (with its backend), so that its deploy destroys what it held.
 */
export function carryOver(
  previous: LayoutLock | undefined,
  plan: TrustPlan,
  emptyStack: (name: string, former: FormerStack) => PlannedStack,
  record?: DeployRecord,
): Carryover {
  return record === undefined
    ? unrecordedCarryOver(previous, plan, emptyStack)
    : recordedCarryOver(previous, plan, emptyStack, record);
}

/** A member's identity across stacks: `RESOURCE KEY`. */
const memberId = (resource: string, key: string) => `${resource} ${key}`;

/** Where the plan puts each member: its stack, account and reference. */
function placementOf(plan: TrustPlan) {
  const now = new Map<string, { stack: string; account: string; ref: string }>();
  for (const stack of plan.stacks) {
    for (const [resource, keys] of Object.entries(membersOf(stack))) {
      for (const [key, ref] of Object.entries(keys))
        now.set(memberId(resource, key), { stack: stack.name, account: stack.account, ref });
    }
  }
  return now;
}

/** Without a deploy record: every synth is assumed deployed (see the top). */
function unrecordedCarryOver(
  previous: LayoutLock | undefined,
  plan: TrustPlan,
  emptyStack: (name: string, former: FormerStack) => PlannedStack,
): Carryover {
  const none = { kept: new Map(), awaited: new Set<string>() };
  if (previous === undefined) return { emptied: [], relocations: [], recreated: [], ...none };
  // The lock is reviewed in pull requests but still untrusted: what a relocation imports (its
  // key and reference) always comes from the plan; the lock only says where a member was.
  const now = placementOf(plan);
  // Earlier relocations first, then members that left their stack since the last synth; one per
  // member and stack left, pointing at where the member is now.
  const relocations = new Map<string, Relocation>();
  const recreated = new Map<string, Relocation>();
  const consider = (resource: ResourceName, key: string, from: string, account: string) => {
    const where = now.get(memberId(resource, key));
    // Gone from the config: the stack that holds it destroys it. Back home: nothing to carry.
    if (where === undefined || where.stack === from) return;
    // An AWS object in another account is another object: the old one is destroyed, a new one made.
    if (ACCOUNT_RESOURCES.has(resource) && where.account !== account) return;
    // What cannot be imported is destroyed where it was and created where it is.
    if (whyNotImportable(resource, where.ref) !== undefined) {
      recreated.set(`${from} ${resource} ${key}`, {
        resource,
        key,
        ref: where.ref,
        from,
        to: where.stack,
        phase: "forget",
        imports: false,
      });
      return;
    }
    relocations.set(`${from} ${resource} ${key}`, {
      resource,
      key,
      ref: where.ref,
      from,
      to: where.stack,
      phase: "forget",
      imports: true,
    });
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
  const emptied = Object.entries(previous.stacks)
    .filter(([name]) => !planned.has(name))
    .map(([name, locked]) => emptyStack(name, locked));
  return {
    emptied,
    relocations: [...relocations.values()],
    recreated: [...recreated.values()],
    ...none,
  };
}

/** Members on their way from one stack to another, of one owner. */
interface Handover {
  readonly from: string;
  readonly to: string;
  readonly owner: string;
  readonly members: Array<{ resource: ResourceName; key: string; ref: string }>;
}

/** With a deploy record: every move decided from what the states hold (see the top). */
function recordedCarryOver(
  previous: LayoutLock | undefined,
  plan: TrustPlan,
  emptyStack: (name: string, former: FormerStack) => PlannedStack,
  record: DeployRecord,
): Carryover {
  const planned = new Set(plan.stacks.map((stack) => stack.name));
  // Every stack that may hold something is synthesized: the lock's (as without a record) and
  // the record's that hold members.
  const former = new Map<string, FormerStack>();
  for (const [name, locked] of Object.entries(previous?.stacks ?? {})) former.set(name, locked);
  for (const [name, entry] of Object.entries(record.stacks)) {
    const holdsSome = [entry.members, entry.gone ?? {}].some((members) =>
      Object.values(members).some((keys) => Object.keys(keys).length > 0),
    );
    if (holdsSome && !former.has(name)) former.set(name, entry);
  }
  const emptied = [...former]
    .filter(([name]) => !planned.has(name))
    .map(([name, stack]) => emptyStack(name, stack));

  const now = placementOf(plan);
  const index = indexOf(plan);
  const recreated: Relocation[] = [];
  const owners = index.owners;
  const handovers = new Map<string, Handover>();
  for (const [from, entry] of Object.entries(record.stacks)) {
    for (const [resource, keys] of Object.entries(entry.members) as Array<
      [ResourceName, Record<string, string>]
    >) {
      for (const key of Object.keys(keys)) {
        const where = now.get(memberId(resource, key));
        // Gone from the config: declared nowhere, so whichever state holds it destroys it.
        if (where === undefined || where.stack === from) continue;
        // An AWS object in another account is another object: destroyed here, made there.
        if (ACCOUNT_RESOURCES.has(resource) && where.account !== entry.account) continue;
        // What cannot be imported is destroyed where it was and created where it is.
        if (whyNotImportable(resource, where.ref) !== undefined) {
          recreated.push({
            resource,
            key,
            ref: where.ref,
            from,
            to: where.stack,
            phase: "forget",
            imports: false,
          });
          continue;
        }
        const owner = owners.get(memberId(resource, key)) ?? memberId(resource, key);
        const id = `${from}\u0000${where.stack}\u0000${owner}`;
        const handover = handovers.get(id) ?? { from, to: where.stack, owner, members: [] };
        // What is imported always comes from the plan; the record only says who holds what.
        handover.members.push({ resource, key, ref: where.ref });
        handovers.set(id, handover);
      }
    }
  }

  const relocations: Relocation[] = [];
  // What a state may still list after another stack destroyed it: if the config has it again
  // (elsewhere), an object of that name may exist by the time this stack is deployed, and it
  // must forget it, not destroy it. Nothing is imported on its account: it does not exist.
  for (const [from, entry] of Object.entries(record.stacks)) {
    for (const [resource, keys] of Object.entries(entry.gone ?? {}) as Array<
      [ResourceName, Record<string, string>]
    >) {
      for (const key of Object.keys(keys)) {
        const where = now.get(memberId(resource, key));
        if (
          where === undefined ||
          where.stack === from ||
          whyNotImportable(resource, where.ref) !== undefined
        )
          continue;
        if (ACCOUNT_RESOURCES.has(resource) && where.account !== entry.account) continue;
        relocations.push({
          resource,
          key,
          ref: where.ref,
          from,
          to: where.stack,
          phase: "forget",
          imports: false,
        });
      }
    }
  }
  const kept = new Map<string, { roles: PlannedRole[]; targets: VariableTarget[] }>();
  const keep = (stack: string, content: KeptMembers) => {
    const into = kept.get(stack) ?? { roles: [], targets: [] };
    into.roles.push(...content.roles);
    into.targets.push(...content.targets);
    kept.set(stack, into);
  };
  const awaited = new Set<string>();
  // Old roles (`ACCOUNT ROLE_KEY`) that variables kept for a move still name.
  const needed = new Set<string>();
  for (const handover of handovers.values()) {
    const { from, to } = handover;
    const joined = (m: { resource: ResourceName; key: string }) =>
      holds(record, to, m.resource, m.key);
    const own = ownRoles(index, record, handover);
    // A variable both stacks write with different values (S names its own role) may have been
    // written last by S: S lets go only after a successful deploy of T that came after S's last.
    const settled =
      own.length === 0 || (record.stacks[to]?.deployed ?? 0) > lastWrite(record.stacks[from]);
    let phase: Relocation["phase"] = "keep";
    if (handover.members.every(joined)) {
      if (settled) phase = "forget";
      else awaited.add(to);
    }
    if (phase === "keep") {
      const content = keptContent(index, record, handover, own);
      if (content === undefined) phase = "forget";
      else {
        keep(from, content);
        const account = record.stacks[from]?.account;
        for (const role of own) needed.add(`${account} ${role}`);
      }
    }
    for (const m of handover.members)
      relocations.push({ ...m, from, to, phase, imports: !joined(m) });
  }
  // An old role is one object however many stacks hold it: each keeps it while any kept
  // variable may name it, so none destroys it under another's variables.
  for (const [name, entry] of Object.entries(record.stacks)) {
    for (const key of Object.keys(entry.members[RESOURCES.role] ?? {})) {
      if (!needed.has(`${entry.account} ${key}`)) continue;
      const role = retainedRole(index, record, name, key);
      if (role !== undefined) keep(name, { roles: [role], targets: [] });
    }
  }
  return { emptied, relocations, kept, awaited, recreated };
}

/** The plan, looked up by key: what a handover needs of it. */
interface PlanIndex {
  readonly plan: TrustPlan;
  readonly roles: ReadonlyMap<string, PlannedRole>;
  /** Roles by owner key (`ws_NAME`, `project_NAME`, ...). */
  readonly rolesOf: ReadonlyMap<string, readonly PlannedRole[]>;
  /** Variable targets by key (the owner key). */
  readonly targets: ReadonlyMap<string, VariableTarget>;
  /** Planned variables by member key (`TARGET_KEY`). */
  readonly variables: ReadonlyMap<string, PlannedVariable>;
  /** The owner key of each member the plan places, by member ID. */
  readonly owners: ReadonlyMap<string, string>;
}

function indexOf(plan: TrustPlan): PlanIndex {
  const roles = new Map<string, PlannedRole>();
  const rolesOf = new Map<string, PlannedRole[]>();
  const owners = new Map<string, string>();
  for (const role of plan.roles) {
    const owner = ownerKey(role.owner);
    roles.set(role.key, role);
    rolesOf.set(owner, [...(rolesOf.get(owner) ?? []), role]);
    owners.set(memberId(RESOURCES.role, role.key), owner);
    owners.set(memberId(RESOURCES.inline, role.key), owner);
    for (const arn of role.policyArns)
      owners.set(memberId(RESOURCES.attachment, attachmentKey(role.key, arn)), owner);
  }
  const targets = new Map<string, VariableTarget>();
  const variables = new Map<string, PlannedVariable>();
  for (const stack of plan.stacks) {
    for (const target of stack.targets) {
      targets.set(target.key, target);
      for (const variable of target.variables)
        variables.set(`${target.key}_${variable.key}`, variable);
      const single = { ...stack, roles: [], targets: [target] };
      for (const [resource, keys] of Object.entries(membersOf(single))) {
        for (const key of Object.keys(keys)) owners.set(memberId(resource, key), target.key);
      }
    }
  }
  return { plan, roles, rolesOf, targets, variables, owners };
}

/**
 * The roles a handover's variables name that are planned in another account than the stack they
 * leave, and that this stack holds there: its own, older objects, which the variables it keeps
 * name instead (see the top).
 */
function ownRoles(index: PlanIndex, record: DeployRecord, handover: Handover): string[] {
  const account = record.stacks[handover.from]?.account;
  const named = new Set<string>();
  for (const { resource, key } of handover.members) {
    if (resource !== RESOURCES.variable) continue;
    const value = index.variables.get(key)?.value;
    if (value?.kind !== "role-arn") continue;
    const role = index.roles.get(value.role);
    if (
      role !== undefined &&
      role.account !== account &&
      holds(record, handover.from, RESOURCES.role, role.key)
    )
      named.add(role.key);
  }
  return [...named].sort();
}

/**
 * What the stack a handover leaves keeps declaring: the moving members with the plan's values;
 * variables that name one of its `own` roles (see {@link ownRoles}) name that role, which it
 * retains (see {@link retainedRole}). Undefined when that cannot be declared as Terraform reads
 * it (a variable naming by reference a role the stack would not declare, a variable set's
 * variables without the set): the stack then forgets the members at once.
 */
function keptContent(
  index: PlanIndex,
  record: DeployRecord,
  handover: Handover,
  own: readonly string[],
): KeptMembers | undefined {
  const { from } = handover;
  const account = accountOfStack(index.plan, record, from);
  if (account === undefined) return undefined;
  const moving = new Set(handover.members.map((m) => memberId(m.resource, m.key)));
  const has = (resource: ResourceName, key: string) => moving.has(memberId(resource, key));
  const roles: PlannedRole[] = [];
  for (const role of index.rolesOf.get(handover.owner) ?? []) {
    if (!has(RESOURCES.role, role.key)) continue;
    const policyArns = role.policyArns.filter((arn) =>
      has(RESOURCES.attachment, attachmentKey(role.key, arn)),
    );
    roles.push(withInline({ ...role, policyArns }, has(RESOURCES.inline, role.key)));
  }
  const declared = new Set([...roles.map((role) => role.key), ...own]);
  const targets: VariableTarget[] = [];
  const target = index.targets.get(handover.owner);
  if (target !== undefined) {
    const variables = target.variables
      .filter((v) => has(RESOURCES.variable, `${target.key}_${v.key}`))
      .map((v) => {
        if (v.value.kind !== "role-arn" || !own.includes(v.value.role)) return v;
        const role = index.roles.get(v.value.role);
        const arn = role === undefined ? undefined : roleArnIn(account, role);
        return {
          ...v,
          value: {
            kind: "role-arn" as const,
            role: v.value.role,
            ...(arn === undefined ? {} : { arn }),
          },
        };
      });
    // A variable that names its role by reference needs that role in the same configuration.
    const unnamed = variables.some(
      (v) =>
        v.value.kind === "role-arn" && v.value.arn === undefined && !declared.has(v.value.role),
    );
    if (unnamed) return undefined;
    const { owner } = target;
    // A workspace whose creation it does not keep is looked up, in its project as the joining
    // stack does: a deploy that would trust runs of another project than the workspace's fails.
    const keptOwner =
      owner.kind === "workspace" && !(owner.create && has(RESOURCES.workspace, owner.name))
        ? { ...owner, create: false }
        : owner;
    const keptTarget = { ...target, owner: keptOwner, variables };
    // A target that declares nothing here (only its roles move) is left out.
    const declares = membersOf({ ...emptyStackShape(), targets: [keptTarget] });
    if (Object.keys(declares).length > 0) targets.push(keptTarget);
  }
  // It declares exactly what moves: nothing it would create.
  const content = { roles, targets };
  const declaring = membersOf({ ...emptyStackShape(), ...content });
  for (const [resource, keys] of Object.entries(declaring)) {
    for (const key of Object.keys(keys)) if (!moving.has(memberId(resource, key))) return undefined;
  }
  return content;
}

/** The planned account of a stack the record knows. */
function accountOfStack(
  plan: TrustPlan,
  record: DeployRecord,
  stack: string,
): PlannedAccount | undefined {
  return plan.accounts.find((a) => a.name === record.stacks[stack]?.account);
}

/**
 * A role a stack holds and retains in its account while variables kept for a move name it: the
 * values planned for the role (in the account it moved to), in this stack's account, with only
 * the attachments and inline policy it holds already (a policy of another partition is left
 * out): nothing is created for it, and it trusts the same runs as the new one.
 */
function retainedRole(
  index: PlanIndex,
  record: DeployRecord,
  stack: string,
  key: string,
): PlannedRole | undefined {
  const account = accountOfStack(index.plan, record, stack);
  const role = index.roles.get(key);
  if (account === undefined || role === undefined) return undefined;
  const held = (resource: ResourceName, member: string) => holds(record, stack, resource, member);
  const policyArns = role.policyArns.filter(
    (policy) =>
      held(RESOURCES.attachment, attachmentKey(role.key, policy)) &&
      parsePolicyArn(policy)?.partition === account.partition,
  );
  const arn = roleArnIn(account, role);
  const { arn: _, ...rest } = role;
  return withInline(
    { ...rest, account: account.name, ...(arn === undefined ? {} : { arn }), policyArns },
    held(RESOURCES.inline, role.key),
  );
}

/** A role with its inline policy, or without one. */
function withInline(role: PlannedRole, keep: boolean): PlannedRole {
  if (keep) return role;
  const { inlinePolicy: _, ...rest } = role;
  return rest;
}

/** The ARN a role has in an account, when the account's ID is known. */
function roleArnIn(account: PlannedAccount, role: PlannedRole): string | undefined {
  return account.accountId === undefined
    ? undefined
    : roleArnFor(account.partition, account.accountId, role.iamPath, role.roleName);
}

/** The fields of a stack `membersOf` does not read, for a stack made of kept content only. */
function emptyStackShape(): PlannedStack {
  return {
    name: "",
    account: "",
    kind: "project",
    roles: [],
    targets: [],
    dependsOn: [],
    backend: { kind: "local" },
  };
}
