import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeLifecycles, prepareDeployment } from "./deployment";
import { terraformGate } from "./gate";
import { readsProjectlessWorkspace } from "./harness";

const enabled = terraformGate();

/**
 * The examples deployed by default: with trust.yaml (example.test.ts) they hold every type the
 * synth writes: several accounts and the known defect (accounts), variable sets on projects,
 * created workspaces and s3 backends (everything), test variables of registry modules
 * (stacks-and-modules). Every other example passes the same lifecycle too;
 * `HCP_AWS_TRUST_TF_ALL_EXAMPLES=1` runs them all (10-40 s per stack on two busy cores).
 */
const DEFAULT_EXAMPLES = ["accounts.yaml", "everything.yaml", "stacks-and-modules.yaml"];
const examples =
  process.env.HCP_AWS_TRUST_TF_ALL_EXAMPLES === "1"
    ? readdirSync("examples").filter((f) => f.endsWith(".yaml"))
    : DEFAULT_EXAMPLES;

describe.skipIf(!enabled)("examples under the real Terraform", () => {
  for (const example of examples) {
    describe(`examples/${example}`, () => {
      const deployment = enabled
        ? prepareDeployment(readFileSync(`examples/${example}`, "utf8"))
        : undefined;
      describeLifecycles(deployment?.stacks ?? []);
      if (example === "accounts.yaml") {
        it("holds stacks that read workspaces without a project, whose plans once failed", () => {
          const projectless = (deployment?.stacks ?? []).filter((s) =>
            readsProjectlessWorkspace(s.json),
          );
          expect(projectless.length).toBeGreaterThan(0);
        });
      }
    });
  }
});
