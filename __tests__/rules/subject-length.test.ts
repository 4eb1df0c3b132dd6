import { describe, expect, it } from "vitest";
import {
  MAX_STACK_SUBJECT_LENGTH,
  MAX_SUBJECT_LENGTH,
  subjectLength as rule,
} from "../../lib/rules/subject-length";
import { baseConfig, type ConfigInput } from "../helpers/synth";
import { messages, review } from "./helpers";

const READ = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];

/**
 * A config with one Stack deployment whose apply `sub` is `length` characters: the organization
 * name takes what the project, Stack and deployment names leave.
 */
function stackOfSubLength(length: number): ConfigInput {
  const [project, stack, deployment] = ["p".repeat(20), "s".repeat(20), "d".repeat(20)];
  const fixed = `organization::project:${project}:stack:${stack}:deployment:${deployment}:operation:apply`;
  return baseConfig({
    hcp: { organization: "o".repeat(length - fixed.length) },
    workspaces: undefined,
    stacks: [{ name: stack, project, deployments: [deployment], policyArns: READ }],
  });
}

describe(rule.id, () => {
  describe("Compliance", () => {
    it("passes the workspaces of the shipped example", () => {
      expect(messages(rule, review())).toEqual([]);
    });

    it(`passes a Stack deployment whose sub is exactly ${MAX_STACK_SUBJECT_LENGTH} characters, HCP Terraform's limit for Stacks`, () => {
      const input = review(stackOfSubLength(MAX_STACK_SUBJECT_LENGTH));
      expect(input.roles[0]?.planned.subject.replace(/\*$/, "apply")).toHaveLength(
        MAX_STACK_SUBJECT_LENGTH,
      );
      expect(messages(rule, input)).toEqual([]);
    });

    it("counts a wildcard as one character: a role for any project is judged by its other names", () => {
      const input = review(
        baseConfig({ workspaces: [{ name: "w".repeat(90), policyArns: READ }] }),
      );
      expect(messages(rule, input)).toEqual([]);
    });
  });

  describe("Noncompliance", () => {
    it(`fails a Stack deployment whose apply sub is ${MAX_STACK_SUBJECT_LENGTH + 1} characters, naming the entry, the deployment and the excess`, () => {
      const [message] = messages(rule, review(stackOfSubLength(MAX_STACK_SUBJECT_LENGTH + 1)));
      expect(message).toMatch(
        /^stacks\[0\]: stack s+ deployment d+: the sub of its operation apply runs is 128 characters, 1 over the 127 HCP Terraform allows in a Stack deployment's sub \("organization:o+:project:p+:stack:s+:deployment:d+:operation:apply"\); shorten the names it holds$/,
      );
    });

    it("fails a Stack of any deployment whose sub is too long before any deployment name", () => {
      const input = review(
        baseConfig({
          hcp: { organization: "o".repeat(60) },
          workspaces: undefined,
          stacks: [
            { name: "s".repeat(30), project: "p".repeat(20), deployments: "any", policyArns: READ },
          ],
        }),
      );
      expect(messages(rule, input)).toEqual([
        expect.stringMatching(
          /^stacks\[0\]: stack s+: the sub of its operation apply runs is 1\d\d characters, \d+ over the 127/,
        ),
      ]);
    });

    it("fails a workspace whose organization and names make its apply sub too long, not its plan sub alone", () => {
      const fixed = "organization::project:Apps:workspace::run_phase:apply".length;
      const organization = "o".repeat(MAX_SUBJECT_LENGTH + 1 - fixed - 90);
      const input = review(
        baseConfig({
          hcp: { organization },
          workspaces: [{ name: "w".repeat(90), project: "Apps", policyArns: READ }],
        }),
      );
      expect(messages(rule, input)).toEqual([
        expect.stringMatching(
          /^workspaces\[0\]: workspace w+: the sub of its run_phase apply runs is 256 characters, 1 over/,
        ),
      ]);
    });

    it("fails a plan role only by its own phase", () => {
      // One character over for apply runs, one under for plan runs.
      const fixed = "organization::project:Apps:workspace::run_phase:apply".length;
      const organization = "o".repeat(MAX_SUBJECT_LENGTH + 1 - fixed - 90);
      const input = review(
        baseConfig({
          hcp: { organization },
          workspaces: [
            {
              name: "w".repeat(90),
              project: "Apps",
              plan: { policyArns: READ },
              apply: { policyArns: READ },
            },
          ],
        }),
      );
      expect(messages(rule, input)).toEqual([
        expect.stringMatching(
          /^workspaces\[0\]\.apply: workspace w+: the sub of its run_phase apply runs is 256 characters/,
        ),
      ]);
    });
  });
});
