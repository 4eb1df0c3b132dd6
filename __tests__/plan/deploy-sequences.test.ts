import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RESOURCES } from "../../lib/plan/members";
import { type Outcome, objectOf } from "../helpers/deploy-model";
import { type Entry, Session } from "../helpers/deploy-session";

/*
 * Random lives of a config: edits (add, remove, move to another project or account), each
 * followed by a synth and a deploy of some stacks, in any order, some failing at plan or part way
 * through their apply; then one full deploy. Played against a model of Terraform states that
 * refuses to import what does not exist and to create what exists (`deploy-model.ts`), through
 * the deploy command's own code (`lib/deploy.ts`). A failed deploy's state is always readable
 * here: a record marked unverified is outside what this proves.
 *
 * PROPERTY_RUNS sets the number of sequences; to replay a counterexample, PROPERTY_REPLAY='{"seed":
 * ..., "path": "..."}' with PROPERTY_TRACE=1 prints its synths and deploys.
 */

const PROJECTS = ["Apps", "Data", "Tools"] as const;
const ACCOUNTS = ["prod", "dev"] as const;
/** Fixed per name, so an edit never changes a workspace's own keys: `web` is created, `api` split. */
const NAMES = ["app", "api", "web", "etl"] as const;
const traits = (name: string) => ({
  ...(name === "web" ? { create: true } : {}),
  ...(name === "api" ? { split: true } : {}),
});

interface Step {
  readonly name: number;
  readonly kind: "add" | "remove" | "project" | "account";
  readonly pick: number;
  readonly resynth: boolean;
  readonly deploys: ReadonlyArray<{
    readonly stack: number;
    readonly outcome: Outcome;
    readonly finish: boolean;
  }>;
}

const outcome: fc.Arbitrary<Outcome> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: "ok" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "plan-error" as const }) },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 0, max: 6 }).map((cut) => ({ kind: "partial" as const, cut })),
  },
);

const step: fc.Arbitrary<Step> = fc.record({
  name: fc.nat(NAMES.length - 1),
  kind: fc.constantFrom("add", "add", "remove", "project", "project", "account"),
  pick: fc.nat(),
  resynth: fc.boolean(),
  deploys: fc.array(fc.record({ stack: fc.nat(), outcome, finish: fc.boolean() }), {
    maxLength: 5,
  }),
});

/**
 * The config after an edit. A created workspace is retired as the README says: deleted in HCP
 * Terraform by hand, then its entry removed, then deployed (see `retire`).
 */
function edit(entries: readonly Entry[], s: Step, session: Session): Entry[] {
  const name = NAMES[s.name] as string;
  const current = entries.find((e) => e.name === name);
  const others = entries.filter((e) => e.name !== name);
  const project = PROJECTS[s.pick % PROJECTS.length] as string;
  const account = ACCOUNTS[s.pick % ACCOUNTS.length] as "prod" | "dev";
  if (current === undefined) return [...others, { name, project, account, ...traits(name) }];
  switch (s.kind) {
    case "add":
    case "project": {
      const moved = PROJECTS.filter((p) => p !== current.project)[s.pick % 2] as string;
      return [...others, { ...current, project: moved }];
    }
    case "account":
      return [...others, { ...current, account: current.account === "dev" ? "prod" : "dev" }];
    case "remove":
      if (current.create) session.world.deleteWorkspace(name);
      return others;
  }
}

/** Deploys the stacks whose state still holds a created workspace the config no longer has. */
function retire(session: Session, entries: readonly Entry[]): void {
  for (const name of NAMES) {
    const workspace = objectOf(RESOURCES.workspace, name, "hcp");
    if (entries.some((e) => e.name === name) || session.world.objects.has(workspace)) continue;
    for (const stack of session.stackNames()) {
      if (session.world.stateOf(stack).has(`${RESOURCES.workspace}["${name}"]`))
        session.deploy(stack);
    }
  }
}

describe("any order of edits, synths and partial or failed deploys, then one full deploy", () => {
  it("orphans nothing, imports nothing that does not exist, leaves no variable naming a missing role, and ends as the config says", {
    timeout: 600_000,
  }, () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        const session = new Session();
        if (process.env.PROPERTY_TRACE) session.trace = true;
        let entries: Entry[] = [];
        session.synth([{ name: "seed", project: "Apps" }]);
        session.deployAll();
        for (const s of steps) {
          entries = edit(entries, s, session);
          const config = [{ name: "seed", project: "Apps" }, ...entries];
          session.synth(config);
          if (s.resynth) session.synth(config);
          retire(session, entries);
          const stacks = session.stackNames();
          for (const { stack, outcome: result, finish } of s.deploys)
            session.deploy(stacks[stack % stacks.length] as string, result, finish);
          expect(session.world.violations).toEqual([]);
        }
        session.synth();
        session.fullDeploy();
        expect(session.world.violations).toEqual([]);
        expect(session.settledProblems()).toEqual([]);
      }),
      {
        numRuns: Number(process.env.PROPERTY_RUNS ?? 200),
        ...(process.env.PROPERTY_REPLAY ? JSON.parse(process.env.PROPERTY_REPLAY) : {}),
      },
    );
  });
});
