/**
 * A config's life in tests: edits, synths (the plan, with the layout lock and the deploy record)
 * and deploys of some stacks, played against {@link TerraformWorld}.
 */
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { type DeployRunner, deployStacks, type SynthView } from "../../lib/deploy";
import { planTrust } from "../../lib/plan";
import { type DeployRecord, emptyRecord } from "../../lib/plan/deployed";
import { type LayoutLock, lockOf } from "../../lib/plan/lock";
import { declaredMembers, membersOf } from "../../lib/plan/members";
import type { TrustPlan } from "../../lib/plan/model";
import {
  addressOf,
  digestOf,
  type Outcome,
  objectOf,
  type StackConfig,
  stackConfigOf,
  TerraformWorld,
} from "./deploy-model";

const READ = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];

/** A workspace entry of the test configs. */
export interface Entry {
  readonly name: string;
  readonly project: string;
  readonly account?: "prod" | "dev";
  readonly create?: boolean;
  readonly split?: boolean;
}

/** Account names by ID, for the ARNs written as literals (`shared` is the tagged tests'). */
export const ACCOUNT_IDS: ReadonlyMap<string, string> = new Map([
  ["111122223333", "prod"],
  ["444455556666", "shared"],
]);

/** prod's ID is known (ARNs are literals), dev's is not (ARNs are references). */
export function configText(entries: readonly Entry[]): string {
  return stringify({
    hcp: { organization: "acme" },
    accounts: {
      prod: { region: "us-east-1", accountId: "111122223333" },
      dev: { region: "eu-west-1" },
    },
    workspaces: entries.map((e) => ({
      name: e.name,
      project: e.project,
      account: e.account ?? "prod",
      ...(e.create ? { create: true } : {}),
      ...(e.split
        ? { plan: { policyArns: READ }, apply: { policyArns: READ } }
        : { policyArns: READ }),
    })),
  });
}

export class Session {
  readonly world = new TerraformWorld();
  lock: LayoutLock | undefined;
  /** Undefined until the first deploy: no record yet. */
  record: DeployRecord | undefined;
  plan: TrustPlan | undefined;
  entries: readonly Entry[] = [];
  /** Print each synth and deploy (to debug a counterexample). */
  trace = false;

  /** The config text of the entries (the test configs' by default). */
  text: (entries: readonly Entry[]) => string = configText;

  constructor(options: { record?: boolean } = {}) {
    if (options.record === true) this.record = emptyRecord();
  }

  synth(entries: readonly Entry[] = this.entries): TrustPlan {
    this.entries = entries;
    const plan = planTrust(parseConfig(this.text(entries)), this.lock, undefined, this.record);
    this.plan = plan;
    this.lock = lockOf(plan);
    if (this.trace) {
      console.log(`synth ${JSON.stringify(entries)}`);
      for (const r of plan.relocations)
        console.log(
          `  ${r.resource}["${r.key}"] ${r.from} -> ${r.to} ${r.phase}${r.imports ? " import" : ""}`,
        );
    }
    return plan;
  }

  configOf(stack: string): StackConfig {
    const config = this.plan && stackConfigOf(this.plan, stack, ACCOUNT_IDS);
    if (config === undefined) throw new Error(`the synth has no stack ${stack}`);
    return config;
  }

  stackNames(): string[] {
    return (this.plan?.stacks ?? []).map((s) => s.name);
  }

  /** The synth as `npm run deploy` reads it: the stacks' members, digests and moves. */
  view(): SynthView {
    const plan = this.plan;
    if (plan === undefined) throw new Error("no synth yet");
    return {
      relocations: plan.relocations,
      stacks: plan.stacks.map((stack) => ({
        name: stack.name,
        account: stack.account,
        kind: stack.kind,
        dependencies: stack.dependsOn,
        members: declaredMembers(stack),
        digest: digestOf(this.configOf(stack.name)),
        awaited: stack.awaited === true,
      })),
    };
  }

  /**
   * `npm run deploy` (`lib/deploy.ts`) on the model: each stack deployed with the next outcome of
   * `outcomes` (else as planned), the invariants checked after each.
   */
  private run(stacks: readonly string[] | "all", finish: boolean, outcomes: Outcome[] = []) {
    const runner: DeployRunner = {
      deploy: (stack) => {
        const outcome = outcomes.shift() ?? { kind: "ok" };
        const ok = this.world.deploy(this.configOf(stack), outcome);
        if (this.trace) {
          const held = JSON.stringify([...this.world.stateOf(stack).keys()]);
          console.log(`deploy ${stack} ${JSON.stringify(outcome)}: ${ok} ${held}`);
        }
        this.world.checkInvariants(
          `after deploying ${stack}`,
          new Set(this.entries.map((e) => e.name)),
        );
        return ok;
      },
      stateAddresses: (stack) => [...this.world.stateOf(stack).keys()],
      synth: () => {
        this.synth();
        return true;
      },
    };
    const result = deployStacks({
      stacks,
      record: this.record,
      recordPath: "trust.deployed.json",
      runner,
      read: () => this.view(),
      save: (record) => {
        this.record = record;
      },
      say: () => {},
      finish,
      maxRounds: 10,
    });
    return result;
  }

  /**
   * Deploys one stack of the last synth, as `npm run deploy -- STACK --once` does (`finish`: as
   * `npm run deploy -- STACK` does, synthesizing again and deploying it again while moves go on).
   */
  deploy(stack: string, outcome: Outcome = { kind: "ok" }, finish = false): boolean {
    return this.run([stack], finish, [outcome]).ok;
  }

  /** Deploys every stack of the last synth once; stops at the first that fails. */
  deployAll(): boolean {
    return this.run("all", false).ok;
  }

  /**
   * `npm run deploy -- --all`: every stack, then synthesize again and deploy what changed (or
   * what a move awaits) until nothing does.
   */
  fullDeploy(): void {
    const result = this.run("all", true);
    if (!result.ok) this.world.violations.push("the full deploy failed");
    else if (!result.settled) this.world.violations.push("the full deploy did not settle");
  }

  /** Every member of the config exists, held by its own stack alone; nothing else exists. */
  settledProblems(): string[] {
    const problems: string[] = [];
    const wanted = new Map<string, string>();
    for (const stack of this.plan?.stacks ?? []) {
      for (const [resource, keys] of Object.entries(membersOf(stack))) {
        for (const key of Object.keys(keys)) {
          const object = objectOf(resource, key, stack.account);
          wanted.set(object, stack.name);
          const held = this.world.stateOf(stack.name).get(addressOf(resource, key));
          if (held !== object) problems.push(`${stack.name} does not hold ${object}`);
        }
      }
    }
    for (const object of this.world.objects.keys()) {
      const holders = this.world.holders(object);
      const home = wanted.get(object);
      if (home === undefined) problems.push(`${object} exists, but the config has no such thing`);
      else if (holders.length !== 1 || holders[0] !== home)
        problems.push(
          `${object} is held by ${holders.join(", ") || "no stack"}, not ${home} alone`,
        );
    }
    for (const object of wanted.keys()) {
      if (!this.world.objects.has(object)) problems.push(`${object} does not exist`);
    }
    return problems;
  }
}
