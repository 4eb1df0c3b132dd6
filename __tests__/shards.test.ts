import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketOf, projectSlug, projectStackName } from "../lib/plan/naming";
import { TIMEOUT_MS } from "./helpers/generated-configs";
import { byStackAddress, synthStacks } from "./helpers/synth";

describe("stack names", () => {
  it("keep project names without spaces, and give names with spaces a hash", () => {
    expect(projectSlug("Apps")).toBe("Apps");
    expect(projectSlug("Default Project")).toMatch(/^Default-Project-[0-9a-f]{6}$/);
    expect(projectSlug("Team A")).not.toBe(projectSlug("Team-A"));
    expect(projectSlug(undefined)).toBe("any.project");
  });

  it("never run parts into each other", () => {
    expect(projectStackName("prod", "x-Apps")).not.toBe(projectStackName("prod-x", "Apps"));
    expect(projectStackName("prod", "Apps", 0)).toBe("hcp-aws-trust-prod.Apps.b0");
    expect(projectStackName("prod", "Apps-b0")).not.toBe(projectStackName("prod", "Apps", 0));
  });

  it("are distinct for distinct accounts, projects and buckets", () => {
    const part = fc.stringMatching(/^[A-Za-z0-9_-]([A-Za-z0-9_ -]{0,10}[A-Za-z0-9_-])?$/);
    fc.assert(
      fc.property(
        fc.tuple(
          part,
          fc.option(part, { nil: undefined }),
          fc.option(fc.nat(63), { nil: undefined }),
        ),
        fc.tuple(
          part,
          fc.option(part, { nil: undefined }),
          fc.option(fc.nat(63), { nil: undefined }),
        ),
        ([a1, p1, b1], [a2, p2, b2]) => {
          fc.pre(!a1.includes(" ") && !a2.includes(" "));
          fc.pre(a1 !== a2 || p1 !== p2 || b1 !== b2);
          const name = (account: string, project: string | undefined, bucket: number | undefined) =>
            projectStackName(account, project, bucket);
          expect(name(a1, p1, b1)).not.toBe(name(a2, p2, b2));
        },
      ),
    );
  });
});

describe("buckets", () => {
  it("are stable for a name and spread names over all buckets", () => {
    expect(bucketOf("app-prod", 4)).toBe(bucketOf("app-prod", 4));
    expect(bucketOf("APP-PROD", 4)).toBe(bucketOf("app-prod", 4));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++)
      counts[bucketOf(`ws-${i}`, 4)] = (counts[bucketOf(`ws-${i}`, 4)] ?? 0) + 1;
    for (const count of counts) expect(count).toBeGreaterThan(850);
  });
});

/** Generated configs per property; the trust properties use PROPERTY_RUNS, this one a tenth of it. */
const RUNS = Math.max(20, Math.round(Number(process.env.PROPERTY_RUNS ?? 500) / 10));

const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const project = fc.constantFrom(undefined, "Apps", "Data Platform", "Big One");
const account = fc.constantFrom("prod", "dev");
const entry = fc.record({ project, account, split: fc.boolean(), tagged: fc.boolean() });

function config(
  workspaces: Array<{
    name: string;
    project?: string | undefined;
    account: string;
    split: boolean;
    tagged: boolean;
  }>,
  shards: number | undefined,
) {
  return {
    hcp: { organization: "acme" },
    accounts: {
      prod: { region: "us-east-1", accountId: "111122223333" },
      dev: { region: "eu-west-1" },
      shared: { region: "eu-central-1", accountId: "444455556666" },
    },
    ...(shards === undefined ? {} : { shards: { "Big One": shards } }),
    workspaces: workspaces.map((ws) => ({
      name: ws.name,
      ...(ws.project === undefined ? {} : { project: ws.project }),
      account: ws.account,
      ...(ws.split
        ? { plan: { policyArns: [READ_ONLY] }, apply: { policyArns: [READ_ONLY] } }
        : { policyArns: [READ_ONLY] }),
      ...(ws.tagged
        ? {
            credentials: [
              {
                tag: "OTHER",
                // Another account whose ID is known: a role ARN written into another stack's
                // variables must be a literal.
                account: "shared",
                policyArns: [READ_ONLY],
              },
            ],
          }
        : {}),
    })),
  };
}

/**
 * The elements of one workspace, in whatever stack: instances keyed `ws_NAME` or `ws_NAME_...`,
 * and its lookup `data.tfe_workspace.workspaces["NAME"]`.
 */
function ownedBy(all: Map<string, unknown>, name: string): Map<string, unknown> {
  return new Map(
    [...all].filter(([key]) => {
      const address = key.split(" ")[1] ?? "";
      const instance = /\["([^"]+)"\]$/.exec(address)?.[1] ?? "";
      if (address.startsWith("data.tfe_workspace.")) return instance === name;
      return instance === `ws_${name}` || instance.startsWith(`ws_${name}_`);
    }),
  );
}

describe("sharding", () => {
  it(
    `never moves or changes another workspace's elements when one is added, removed or renamed (${RUNS} configs)`,
    () => {
      fc.assert(
        fc.property(
          fc.array(entry, { minLength: 1, maxLength: 8 }),
          fc.option(fc.integer({ min: 2, max: 4 }), { nil: undefined }),
          fc.constantFrom("add", "remove", "rename"),
          fc.nat(),
          entry,
          (entries, shards, edit, pick, added) => {
            const before = entries.map((e, i) => ({ ...e, name: `w${i}` }));
            const victim = pick % before.length;
            const after =
              edit === "add"
                ? [...before, { ...added, name: `w${before.length}` }]
                : edit === "remove"
                  ? before.filter((_, i) => i !== victim)
                  : before.map((ws, i) =>
                      i === victim ? { ...ws, name: `w${before.length + 1}` } : ws,
                    );
            fc.pre(after.length > 0);
            const b = byStackAddress(synthStacks(config(before, shards)));
            const a = byStackAddress(synthStacks(config(after, shards)));
            for (const ws of before) {
              if (edit !== "add" && ws.name === `w${victim}`) continue;
              const mine = ownedBy(b, ws.name);
              expect(mine.size).toBeGreaterThan(0);
              for (const [key, body] of mine) expect(a.get(key), key).toEqual(body);
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );
});
