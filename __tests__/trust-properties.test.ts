import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide } from "./helpers/evaluate";
import { generatedConfig, RUNS, rolesWithScopes, TIMEOUT_MS } from "./helpers/generated-configs";
import { trustCases } from "./helpers/trust-cases";

describe("trust of generated configs", () => {
  it(
    `admits every in-scope token and refuses every near miss (${RUNS} configs)`,
    () => {
      fc.assert(
        fc.property(generatedConfig, ({ scopes, yaml }) => {
          for (const { role, scope } of rolesWithScopes(yaml, scopes)) {
            for (const c of trustCases(scope)) {
              expect(decide(role, c.claims), `${role.name}: ${c.name}`).toBe(
                c.allowed ? "Allowed" : "ImplicitlyDenied",
              );
            }
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );
});
