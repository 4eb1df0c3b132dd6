import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { deployEnvironmentProblems } from "../../lib/deploy-environment";
import { planTrust } from "../../lib/plan";
import {
  MAX_WORKSPACE_NAME_LENGTH,
  projectStackName,
  stateWorkspaceName,
} from "../../lib/plan/naming";

const VALID = /^[A-Za-z0-9_-]+$/;

describe("state workspace names (backend: cloud)", () => {
  it("keep a name that is already valid", () => {
    expect(stateWorkspaceName("aws-trust-", "hcp-aws-trust-default")).toBe(
      "aws-trust-hcp-aws-trust-default",
    );
  });

  it("turn a project stack's name into a valid one with a hash", () => {
    const name = stateWorkspaceName("aws-trust-", "hcp-aws-trust-default.Default-Project-13c060");
    expect(name).toMatch(/^aws-trust-hcp-aws-trust-default_Default-Project-13c060-[0-9a-f]{8}$/);
  });

  it("are valid, at most 90 characters, stable and unique for any prefix and stack (property)", () => {
    const part = fc.stringMatching(/^[A-Za-z0-9_ .()-]{1,40}$/);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{0,20}$/),
        part,
        part,
        fc.option(fc.nat(63), { nil: undefined }),
        (prefix, a, b, bucket) => {
          const stackA = projectStackName("prod", a, bucket);
          const stackB = projectStackName("prod", b, bucket);
          const nameA = stateWorkspaceName(prefix, stackA);
          expect(nameA).toMatch(VALID);
          expect(nameA.length).toBeLessThanOrEqual(MAX_WORKSPACE_NAME_LENGTH);
          expect(stateWorkspaceName(prefix, stackA)).toBe(nameA);
          if (stackA !== stackB) expect(stateWorkspaceName(prefix, stackB)).not.toBe(nameA);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("are cut to 90 characters for a long stack name, both sides of the limit", () => {
    const fits = "x".repeat(MAX_WORKSPACE_NAME_LENGTH);
    expect(stateWorkspaceName("", fits)).toBe(fits);
    const over = stateWorkspaceName("", `${fits}y`);
    expect(over).toHaveLength(MAX_WORKSPACE_NAME_LENGTH);
    expect(over).not.toBe(fits);
  });

  it("of every stack of a config are valid and distinct", () => {
    const config = parseConfig(
      stringify({
        hcp: { organization: "acme" },
        aws: { region: "us-east-1" },
        backend: { cloud: { workspacePrefix: "state-" } },
        shards: { "Team Apps": 4 },
        workspaces: ["a", "b", "c", "d", "e", "f"].map((name, i) => ({
          name,
          project: i % 2 === 0 ? "Team Apps" : "Data EU",
          policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        })),
      }),
    );
    const names = planTrust(config).stacks.map((stack) =>
      stack.backend.kind === "cloud" ? stack.backend.workspace : "",
    );
    for (const name of names) expect(name).toMatch(VALID);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("the deploy environment", () => {
  const cloud = planTrust(
    parseConfig(
      stringify({
        hcp: { organization: "acme" },
        aws: { region: "us-east-1" },
        backend: { cloud: {} },
        workspaces: [{ name: "a", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }],
      }),
    ),
  );

  it("refuses backend: cloud without TF_FORCE_LOCAL_BACKEND, which keeps the deploy off remote execution", () => {
    expect(deployEnvironmentProblems(cloud, {})).toEqual([
      expect.stringContaining("set TF_FORCE_LOCAL_BACKEND=1"),
    ]);
  });

  it("accepts backend: cloud with TF_FORCE_LOCAL_BACKEND set", () => {
    expect(deployEnvironmentProblems(cloud, { TF_FORCE_LOCAL_BACKEND: "1" })).toEqual([]);
  });
});
