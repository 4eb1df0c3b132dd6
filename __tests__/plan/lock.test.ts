import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { planTrust } from "../../lib/plan";
import { type LayoutLock, lockOf } from "../../lib/plan/lock";
import { ACCOUNT_RESOURCES, membersOf, RESOURCES } from "../../lib/plan/members";
import type { TrustPlan } from "../../lib/plan/model";

const READ = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];

interface Entry {
  readonly name: string;
  readonly project: string;
  readonly account: "prod" | "dev";
  readonly split: boolean;
  readonly create: boolean;
}

function configOf(
  entries: readonly Entry[],
  shards: number | undefined,
  projectRole: boolean,
): string {
  return stringify({
    hcp: { organization: "acme" },
    accounts: {
      prod: { region: "us-east-1", accountId: "111122223333" },
      dev: { region: "eu-west-1", accountId: "444455556666" },
    },
    ...(shards === undefined ? {} : { shards: { Apps: shards } }),
    ...(projectRole
      ? { projects: [{ name: "Data Platform", account: "dev", policyArns: READ }] }
      : {}),
    workspaces: entries.map((e) => ({
      name: e.name,
      project: e.project,
      account: e.account,
      ...(e.create ? { create: true } : {}),
      ...(e.split
        ? { plan: { policyArns: READ }, apply: { policyArns: READ } }
        : { policyArns: READ }),
    })),
  });
}

/** Where each member lives in a plan: `RESOURCE KEY` → stack names. */
function placement(plan: TrustPlan): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const stack of plan.stacks) {
    for (const [resource, keys] of Object.entries(membersOf(stack))) {
      for (const key of Object.keys(keys))
        where.set(`${resource} ${key}`, [...(where.get(`${resource} ${key}`) ?? []), stack.name]);
    }
  }
  return where;
}

/** Checks one synth against the lock it started from. */
function expectSafeStep(lock: LayoutLock, plan: TrustPlan): void {
  const stacks = new Map(plan.stacks.map((s) => [s.name, s]));
  const where = placement(plan);
  // Every stack the lock knows is still synthesized: its deploy destroys or forgets what it held.
  for (const name of Object.keys(lock.stacks))
    expect(stacks.has(name), `stack ${name} is still synthesized`).toBe(true);
  for (const [name, locked] of Object.entries(lock.stacks)) {
    for (const [resource, keys] of Object.entries(locked.members)) {
      for (const key of Object.keys(keys)) {
        const now = where.get(`${resource} ${key}`) ?? [];
        // Still here, or gone from the config (destroyed by this stack), or moved: then carried over.
        if (now.length === 0 || now.includes(name)) continue;
        const to = now[0] as string;
        const sameObject =
          !ACCOUNT_RESOURCES.has(resource) || stacks.get(to)?.account === locked.account;
        if (!sameObject) continue; // another account: a new object there, the old one destroyed here
        const carried = plan.relocations.find(
          (r) => r.resource === resource && r.key === key && r.from === name && r.to === to,
        );
        expect(
          carried,
          `${resource}["${key}"] moving from ${name} to ${to} is carried over`,
        ).toBeDefined();
      }
    }
  }
  // Nothing is declared in two stacks, and no role name twice in one account.
  for (const [member, names] of where) expect(names, member).toHaveLength(1);
  const roleNames = plan.stacks.flatMap((s) =>
    s.roles.map((r) => `${s.account} ${r.roleName.toLowerCase()}`),
  );
  expect(new Set(roleNames).size).toBe(roleNames.length);
}

const entry = fc.record<Entry>({
  name: fc.constantFrom("app", "api", "web", "etl", "ops", "db"),
  project: fc.constantFrom("Apps", "Data Platform", "Tools"),
  account: fc.constantFrom("prod", "dev"),
  split: fc.boolean(),
  create: fc.boolean(),
});
const state = fc.record({
  entries: fc.uniqueArray(entry, { minLength: 0, maxLength: 5, selector: (e) => e.name }),
  shards: fc.option(fc.constantFrom(2, 3, 4), { nil: undefined }),
  projectRole: fc.boolean(),
});

describe("the layout lock", () => {
  it("carries every member of every step over: kept, destroyed by its stack, or forgotten and imported (300 edit sequences)", {
    timeout: 600_000,
  }, () => {
    fc.assert(
      fc.property(fc.array(state, { minLength: 2, maxLength: 6 }), (states) => {
        let lock: LayoutLock | undefined;
        for (const { entries, shards, projectRole } of states) {
          if (entries.length === 0) continue;
          const plan = planTrust(parseConfig(configOf(entries, shards, projectRole)), lock);
          if (lock !== undefined) expectSafeStep(lock, plan);
          lock = lockOf(plan);
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  });

  it("keeps a stack that lost its last member, empty, so its deploy destroys what it held", () => {
    // GIVEN a deployed layout with workspace api alone in project Tools
    const before = planTrust(
      parseConfig(
        configOf(
          [
            { name: "app", project: "Apps", account: "prod", split: false, create: false },
            { name: "api", project: "Tools", account: "prod", split: false, create: false },
          ],
          undefined,
          false,
        ),
      ),
    );
    const lock = lockOf(before);
    // WHEN api is removed from the config
    const after = planTrust(
      parseConfig(
        configOf(
          [{ name: "app", project: "Apps", account: "prod", split: false, create: false }],
          undefined,
          false,
        ),
      ),
      lock,
    );
    // THEN the Tools stack is still synthesized, with no roles or variables, and the lock marks it empty
    const tools = after.stacks.find((s) => s.name === "hcp-aws-trust-prod.Tools");
    expect(tools?.roles).toEqual([]);
    expect(tools?.targets).toEqual([]);
    expect(lockOf(after).stacks["hcp-aws-trust-prod.Tools"]?.empty).toBe(true);
  });

  it("moves a workspace to another project by forgetting it in the old stack and importing it by name in the new", () => {
    const app = {
      name: "app",
      project: "Apps",
      account: "prod",
      split: false,
      create: false,
    } as const;
    const lock = lockOf(planTrust(parseConfig(configOf([app], undefined, false))));
    const after = planTrust(
      parseConfig(configOf([{ ...app, project: "Tools" }], undefined, false)),
      lock,
    );
    const role = after.relocations.find((r) => r.resource === RESOURCES.role);
    expect(role).toEqual({
      resource: RESOURCES.role,
      key: "ws_app",
      ref: "tfc-acme-app",
      from: "hcp-aws-trust-prod.Apps",
      to: "hcp-aws-trust-prod.Tools",
      // Without a deploy record: forgotten and imported in the same synth.
      phase: "forget",
      imports: true,
    });
    expect(after.relocations.map((r) => r.resource).sort()).toEqual(
      [RESOURCES.attachment, RESOURCES.role, RESOURCES.variable, RESOURCES.variable].sort(),
    );
    // A later synth, before the old stack was deployed, still carries it over.
    const again = planTrust(
      parseConfig(configOf([{ ...app, project: "Tools" }], undefined, false)),
      lockOf(after),
    );
    expect(again.relocations).toEqual(after.relocations);
  });

  it("moves a workspace to another account as a new role there, the old one destroyed, its variables carried over", () => {
    const app = {
      name: "app",
      project: "Apps",
      account: "prod",
      split: false,
      create: false,
    } as const;
    const lock = lockOf(planTrust(parseConfig(configOf([app], undefined, false))));
    const after = planTrust(
      parseConfig(configOf([{ ...app, account: "dev" }], undefined, false)),
      lock,
    );
    expect(after.relocations.map((r) => r.resource)).toEqual([
      RESOURCES.variable,
      RESOURCES.variable,
    ]);
    expect(after.stacks.find((s) => s.name === "hcp-aws-trust-prod.Apps")?.roles).toEqual([]);
  });

  it("moves the variables of a workspace named like a variable set ID without importing them: the tfe importer would read its name as a set", () => {
    // The tfe provider reads the middle of ORG/CONTAINER/VAR_ID as a variable set when it ends in
    // varset- and 16 letters or digits, so the import of this workspace's variables would fail.
    const ws = {
      name: "x-varset-abcdefghijklmnop",
      project: "Apps",
      account: "prod",
      split: false,
      create: false,
    } as const;
    const lock = lockOf(planTrust(parseConfig(configOf([ws], undefined, false))));
    const after = planTrust(
      parseConfig(configOf([{ ...ws, project: "Tools" }], undefined, false)),
      lock,
    );
    expect(after.relocations.map((r) => r.resource).sort()).toEqual(
      [RESOURCES.attachment, RESOURCES.role].sort(),
    );
    expect(after.recreated.map((r) => `${r.resource}["${r.key}"] ${r.from} -> ${r.to}`)).toEqual([
      'tfe_variable.variables["ws_x-varset-abcdefghijklmnop_TFC_AWS_PROVIDER_AUTH"] hcp-aws-trust-prod.Apps -> hcp-aws-trust-prod.Tools',
      'tfe_variable.variables["ws_x-varset-abcdefghijklmnop_TFC_AWS_RUN_ROLE_ARN"] hcp-aws-trust-prod.Apps -> hcp-aws-trust-prod.Tools',
    ]);
  });

  it("refuses to drop an account whose stacks still hold what an earlier deploy made", () => {
    const app = {
      name: "app",
      project: "Apps",
      account: "dev",
      split: false,
      create: false,
    } as const;
    const lock = lockOf(planTrust(parseConfig(configOf([app], undefined, false))));
    const config = parseConfig(configOf([{ ...app, account: "prod" }], undefined, false));
    const withoutDev = { ...config, accounts: { prod: config.accounts?.prod } } as typeof config;
    expect(() => planTrust(withoutDev, lock)).toThrow(
      /account "dev" is gone from the config, but stack hcp-aws-trust-dev\S* still holds/,
    );
  });
});
