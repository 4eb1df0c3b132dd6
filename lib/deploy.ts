import {
  type DeployRecord,
  emptyRecord,
  type RecordedStack,
  recordDeploy,
  sorted,
} from "./plan/deployed";
import { departedAddress, type Members, RESOURCES, type ResourceName } from "./plan/members";
import type { Relocation } from "./plan/model";

/**
 * `npm run deploy`: deploys the stacks of a synth one at a time, in dependency order, and keeps
 * the deploy record (`lib/plan/deployed.ts`) of what each state holds, stack by stack, as each
 * deploy ends. The synth decides every move between stacks from that record (`lib/plan/lock.ts`):
 * a move takes a deploy of the stack a member joins, then a synth and a deploy of the stack it
 * leaves. So after deploying, when members are still on their way, the deploy synthesizes again
 * and deploys what changed (or what a move awaits), until nothing does: one `npm run deploy --
 * --all` finishes every move it can. `--once` deploys each stack once and leaves that to a later
 * synth and deploy.
 */

/** A stack of the synth, as the deploy needs it. */
export interface SynthStack {
  readonly name: string;
  readonly account: string;
  readonly kind: "base" | "project";
  /** Stacks to deploy first (the manifest's). */
  readonly dependencies: readonly string[];
  /** What its configuration declares: what its state holds once a deploy of it succeeded. */
  readonly members: Members;
  /** SHA-256 of its `cdk.tf.json`. */
  readonly digest: string;
  /** A move waits for its deploy, changed or not. */
  readonly awaited: boolean;
}

/** The synth in the output folder, as the deploy reads it. */
export interface SynthView {
  /** In the manifest's order. */
  readonly stacks: readonly SynthStack[];
  /** Members on their way between stacks. */
  readonly relocations: readonly Relocation[];
}

/** What runs the cdktf CLI and Terraform; tests give their own. */
export interface DeployRunner {
  /** Deploys one stack of the synth in the output folder, as it is; returns whether it succeeded. */
  deploy(stack: string): boolean;
  /** The addresses a stack's state holds now (`terraform state list`); undefined when unreadable. */
  stateAddresses(stack: string): readonly string[] | undefined;
  /** Synthesizes again, into the same folder (the lock too); returns whether it succeeded. */
  synth(): boolean;
}

/** The deploy cannot start or go on; the message says why. */
export class DeployError extends Error {
  override name = "DeployError";
}

export interface DeployOptions {
  /** The stacks to deploy, by name, or every stack of the synth. */
  readonly stacks: readonly string[] | "all";
  /** The record as it is; undefined when there is none yet. */
  readonly record: DeployRecord | undefined;
  /** Where the record is kept, for messages. */
  readonly recordPath: string;
  readonly runner: DeployRunner;
  /** Reads the synth in the output folder (again after the deploy synthesizes). */
  readonly read: () => SynthView;
  /** Keeps the record: called after every deploy of a stack. */
  readonly save: (record: DeployRecord) => void;
  readonly say: (line: string) => void;
  /**
   * Synthesize again and deploy what changed until the moves under way are done.
   * @default true
   */
  readonly finish?: boolean;
  /** @default 8 */
  readonly maxRounds?: number;
}

export interface DeployResult {
  readonly ok: boolean;
  /** No member is on its way between stacks any more (as far as the last synth read says). */
  readonly settled: boolean;
  readonly record: DeployRecord;
  /** Every deploy, in order (a stack is deployed again to finish a move). */
  readonly deployed: readonly string[];
}

/** Deploys; throws {@link DeployError} before deploying anything when the request cannot be met. */
export function deployStacks(options: DeployOptions): DeployResult {
  const { runner, say } = options;
  const maxRounds = options.maxRounds ?? 8;
  if (options.record === undefined && options.stacks !== "all") {
    throw new DeployError(
      `there is no deploy record yet (${options.recordPath}): the first deploy deploys every stack, so that the record knows what each state holds: npm run deploy -- --all`,
    );
  }
  let record = options.record ?? emptyRecord();
  let view = options.read();
  let pass = inOrder(view, chosen(view, options.stacks));
  const deployed: string[] = [];
  for (let round = 1; ; round++) {
    for (const stack of pass) {
      say(`Deploying ${stack.name}`);
      deployed.push(stack.name);
      const recorded = { ...stack, forgets: forgetsOf(view, stack.name) };
      if (runner.deploy(stack.name)) {
        record = recordDeploy(record, recorded, { ok: true });
        options.save(record);
        continue;
      }
      const addresses = runner.stateAddresses(stack.name);
      const held =
        addresses === undefined
          ? undefined
          : membersOfAddresses(addresses, stack, view, record.stacks[stack.name]);
      record = recordDeploy(record, recorded, { ok: false, held });
      // A record started by this deploy must know every stack: those it did not reach are read.
      if (options.record === undefined) record = withUnreached(record, view, runner);
      options.save(record);
      say(
        held === undefined
          ? `The deploy of ${stack.name} failed, and its state could not be read: the record keeps what it held before, marked unverified. Deploy it again before the next synth.`
          : `The deploy of ${stack.name} failed; the record holds what its state holds now.`,
      );
      return { ok: false, settled: false, record, deployed };
    }
    if (!isMoving(view)) break;
    if (options.finish === false) {
      say(
        "Members are on their way between stacks: synthesize and deploy again to go on (npm run synth, then npm run deploy).",
      );
      break;
    }
    if (round >= maxRounds) {
      say(
        `Members are still on their way between stacks after ${maxRounds} rounds: synthesize and deploy again.`,
      );
      break;
    }
    say("Synthesizing again: the moves under way go on from what the deploys recorded.");
    if (!runner.synth()) {
      throw new DeployError(
        "the synth failed; the record holds every deploy so far: fix what it says and run npm run synth, then npm run deploy",
      );
    }
    view = options.read();
    const wanted = chosen(view, options.stacks, { lenient: true });
    pass = inOrder(view, wanted).filter(
      (s) => s.awaited || record.stacks[s.name]?.digest !== s.digest,
    );
    if (pass.length === 0) break;
  }
  const behind = view.stacks.filter((s) => s.awaited || record.stacks[s.name]?.digest !== s.digest);
  if (behind.length > 0) {
    say(
      `To deploy still (changed by the last synth, or awaited by a move): ${behind.map((s) => s.name).join(", ")}.`,
    );
  }
  return { ok: true, settled: !isMoving(view), record, deployed };
}

/**
 * The record with an entry for every stack of the synth it has none for: what its state lists,
 * or, unreadable, what its configuration declares (as without a record, every synth is assumed
 * deployed), marked unverified.
 */
function withUnreached(record: DeployRecord, view: SynthView, runner: DeployRunner): DeployRecord {
  const stacks = { ...record.stacks };
  for (const stack of view.stacks) {
    if (stacks[stack.name] !== undefined) continue;
    const addresses = runner.stateAddresses(stack.name);
    const { account, kind } = stack;
    stacks[stack.name] =
      addresses === undefined
        ? { account, kind, members: sorted(stack.members), unverified: true }
        : { account, kind, members: sorted(membersOfAddresses(addresses, stack, view, undefined)) };
  }
  return {
    ...record,
    stacks: Object.fromEntries(Object.entries(stacks).sort(([a], [b]) => a.localeCompare(b))),
  };
}

function isMoving(view: SynthView): boolean {
  return view.relocations.length > 0 || view.stacks.some((s) => s.awaited);
}

/** The members a stack's configuration forgets. */
function forgetsOf(view: SynthView, stack: string): Members {
  const forgets: Record<string, Record<string, string>> = {};
  for (const r of view.relocations) {
    if (r.from === stack && r.phase === "forget")
      forgets[r.resource] = { ...forgets[r.resource], [r.key]: r.ref };
  }
  return forgets as Members;
}

/** The stacks asked for; throws {@link DeployError} naming any the synth does not have. */
function chosen(
  view: SynthView,
  stacks: readonly string[] | "all",
  options: { lenient?: boolean } = {},
): Set<string> {
  if (stacks === "all") return new Set(view.stacks.map((s) => s.name));
  const names = new Set(view.stacks.map((s) => s.name));
  const unknown = stacks.filter((name) => !names.has(name));
  if (unknown.length > 0 && options.lenient !== true) {
    throw new DeployError(
      `the synth has no stack ${unknown.join(", ")}; its stacks: ${[...names].join(", ")}`,
    );
  }
  return new Set(stacks.filter((name) => names.has(name)));
}

/**
 * The chosen stacks, each after the chosen stacks it depends on, and a stack that forgets a
 * member in the synth that imports it elsewhere (a synth made without a record) after the stack
 * that imports it, so that a failure of that one leaves the member where it was; otherwise in the
 * manifest's order.
 */
function inOrder(view: SynthView, wanted: ReadonlySet<string>): SynthStack[] {
  const byName = new Map(view.stacks.map((s) => [s.name, s]));
  const after = new Map<string, Set<string>>();
  for (const r of view.relocations) {
    if (r.phase === "forget" && r.imports)
      after.set(r.from, (after.get(r.from) ?? new Set()).add(r.to));
  }
  const done = new Set<string>();
  const ordered: SynthStack[] = [];
  const visit = (stack: SynthStack, path: ReadonlySet<string>) => {
    if (done.has(stack.name) || path.has(stack.name)) return;
    const next = new Set(path).add(stack.name);
    for (const dependency of [...stack.dependencies, ...(after.get(stack.name) ?? [])]) {
      const before = byName.get(dependency);
      if (before !== undefined && wanted.has(dependency)) visit(before, next);
    }
    done.add(stack.name);
    ordered.push(stack);
  };
  for (const stack of view.stacks) if (wanted.has(stack.name)) visit(stack, new Set());
  return ordered;
}

const KNOWN = new Set<string>(Object.values(RESOURCES));

/**
 * The members a state holds, from its addresses (`terraform state list`): instances of the
 * members' resources, and the addresses a member is moved to before it is forgotten (a deploy
 * that failed between the two). References as the synth, or the record, knows them.
 */
export function membersOfAddresses(
  addresses: readonly string[],
  stack: SynthStack,
  view: SynthView,
  before: RecordedStack | undefined,
): Members {
  const departed = new Map<string, [ResourceName, string]>();
  for (const r of view.relocations) {
    if (r.from === stack.name)
      departed.set(departedAddress(r.resource, r.key), [r.resource, r.key]);
  }
  const refOf = (resource: ResourceName, key: string) =>
    stack.members[resource]?.[key] ??
    before?.members[resource]?.[key] ??
    view.stacks.map((s) => s.members[resource]?.[key]).find((ref) => ref !== undefined) ??
    "";
  const members: Record<string, Record<string, string>> = {};
  const add = (resource: ResourceName, key: string) => {
    members[resource] = { ...members[resource], [key]: refOf(resource, key) };
  };
  for (const line of addresses) {
    const address = line.trim();
    const moved = departed.get(address);
    if (moved !== undefined) {
      add(...moved);
      continue;
    }
    const match = /^([a-z0-9_]+\.[a-z0-9_]+)\[("(?:[^"\\]|\\.)*")\]$/.exec(address);
    if (match === null || !KNOWN.has(match[1] as string)) continue;
    add(match[1] as ResourceName, JSON.parse(match[2] as string) as string);
  }
  return members as Members;
}
