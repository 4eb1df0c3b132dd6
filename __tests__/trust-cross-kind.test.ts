import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../lib/config/load";
import type { SynthesizedRole } from "../lib/synth-output";
import {
  alignedTokens,
  kindOf,
  LABEL_WORDS,
  otherKindTokens,
  randomNames,
  seeded,
} from "./helpers/cross-kind";
import { decide } from "./helpers/evaluate";
import { generatedConfig, RUNS, rolesWithScopes, TIMEOUT_MS } from "./helpers/generated-configs";
import { baseConfig, synthRoles, workspace } from "./helpers/synth";
import { scopesOf, type TrustScope, trustCases } from "./helpers/trust-cases";

/** The `sub` pattern a synthesized role's trust policy matches with `StringLike`. */
function patternOf(role: SynthesizedRole): string {
  const [statement] = role.trustPolicy.Statement;
  const like = (statement?.Condition as Record<string, Record<string, string>> | undefined)
    ?.StringLike;
  const pattern = Object.entries(like ?? {}).find(([key]) => key.endsWith(":sub"))?.[1];
  if (pattern === undefined) throw new Error(`${role.name} has no sub pattern`);
  return pattern;
}

/** Every name a scope holds, for tokens built from the config's own names. */
function namesOf(scope: TrustScope): string[] {
  return Object.entries(scope)
    .filter(([key]) => !["kind", "host", "audience", "phases"].includes(key))
    .map(([, value]) => value)
    .filter((value): value is string => typeof value === "string");
}

/**
 * Checks that a role admits its own tokens and refuses every token of another kind built from
 * `names`; returns how many tokens of other kinds were tried.
 */
function checkRole(
  role: SynthesizedRole,
  scope: TrustScope,
  names: readonly string[],
  next: () => number,
): number {
  for (const c of trustCases(scope).filter((c) => c.allowed)) {
    expect(decide(role, c.claims), `${role.name}: ${c.name}`).toBe("Allowed");
  }
  const pattern = patternOf(role);
  const tokens = otherKindTokens(pattern, scope, names, 8, next);
  for (const { kind, claims } of tokens) {
    expect(
      decide(role, claims),
      `${role.name} (${kindOf(pattern)} role, sub ${pattern}) admits a ${kind} token: ${claims.sub}`,
    ).toBe("ImplicitlyDenied");
  }
  return tokens.length;
}

describe("a role admits only its own kind of token", () => {
  it("a project-less workspace named like a Stack field refuses the Stack token that spans its project wildcard", () => {
    const yaml = baseConfig({
      workspaces: [workspace("deployment"), workspace("stack")],
    });
    const roles = synthRoles(yaml);
    const attacks: Record<string, string> = {
      deployment:
        "organization:acme:project:ANY:stack:workspace:deployment:run_phase:operation:plan",
    };
    for (const [name, sub] of Object.entries(attacks)) {
      const role = roles.find((r) => patternOf(r).includes(`:workspace:${name}:`));
      if (role === undefined) throw new Error(`no role for workspace ${name}`);
      expect(alignedTokens(patternOf(role), "stack", ["ANY", "plan"])).toContain(sub);
      expect(
        decide(role, { iss: "https://app.terraform.io", aud: "aws.workload.identity", sub }),
      ).toBe("ImplicitlyDenied");
      // Its own runs, in any project, still get in.
      const own = `organization:acme:project:Other Project:workspace:${name}:run_phase:apply`;
      expect(
        decide(role, { iss: "https://app.terraform.io", aud: "aws.workload.identity", sub: own }),
      ).toBe("Allowed");
    }
  });

  const examples = join(__dirname, "..", "examples");
  const configs: Array<[string, string]> = [
    ["trust.yaml", readFileSync(join(__dirname, "..", "trust.yaml"), "utf8")],
    ...readdirSync(examples)
      .filter((file) => file.endsWith(".yaml"))
      .map((file): [string, string] => [
        `examples/${file}`,
        readFileSync(join(examples, file), "utf8"),
      ]),
  ];

  it.each(configs)(
    "every role of %s refuses every other kind's token built from the labels, its names and random names",
    (_, text) => {
      const next = seeded(20);
      const roles = rolesWithScopes(text, scopesOf(parseConfig(text)));
      const names = [
        ...LABEL_WORDS,
        ...roles.flatMap(({ scope }) => namesOf(scope)),
        ...randomNames(4, next),
      ];
      let tried = 0;
      for (const { role, scope } of roles) tried += checkRole(role, scope, names, next);
      expect(tried).toBeGreaterThan(roles.length * 16);
    },
  );

  it("the generated configs hold roles of every kind, HYOK configurations included", () => {
    const kinds = new Set(
      fc
        .sample(generatedConfig, { numRuns: 200, seed: 7 })
        .flatMap(({ scopes }) => [...scopes.values()].map((scope) => scope.kind)),
    );
    expect([...kinds].sort()).toEqual(["hyok", "module", "run", "stack"]);
  });

  it(
    `on generated configs, every role refuses every other kind's token built from the labels, the config's names and random names (${RUNS} configs)`,
    () => {
      fc.assert(
        fc.property(generatedConfig, fc.integer(), ({ scopes, yaml }, seed) => {
          const next = seeded(seed);
          const roles = rolesWithScopes(yaml, scopes);
          const names = [
            ...LABEL_WORDS,
            ...roles.flatMap(({ scope }) => namesOf(scope)),
            ...randomNames(4, next),
          ];
          for (const { role, scope } of roles) checkRole(role, scope, names, next);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );
});
