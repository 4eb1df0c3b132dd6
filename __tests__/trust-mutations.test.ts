import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide } from "./helpers/evaluate";
import {
  generatedConfig,
  mutate,
  mutation,
  RUNS,
  rolesWithScopes,
  TIMEOUT_MS,
} from "./helpers/generated-configs";

// A file of its own, so the two trust properties run side by side on two cores.
describe("trust of generated configs", () => {
  it(
    `refuses a token with any one claim changed (${RUNS} configs)`,
    () => {
      fc.assert(
        fc.property(
          generatedConfig,
          fc.array(mutation, { minLength: 1, maxLength: 4 }),
          ({ scopes, yaml }, mutations) => {
            for (const { role, scope } of rolesWithScopes(yaml, scopes)) {
              for (const { field, value } of mutations) {
                const claims = mutate(scope, field, value);
                if (claims !== undefined)
                  expect(decide(role, claims), `${field} = ${value}`).toBe("ImplicitlyDenied");
              }
            }
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );
});
