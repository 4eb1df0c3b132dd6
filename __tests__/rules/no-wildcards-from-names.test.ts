import { describe, expect, it } from "vitest";
import { noWildcardsFromNames as rule } from "../../lib/rules/no-wildcards-from-names";
import { baseConfig, workspace } from "../helpers/synth";
import { messages, review, tampered } from "./helpers";

const SUB = "app.terraform.io:sub";

describe(rule.id, () => {
  describe("Compliance", () => {
    it.each([
      [
        "a project with spaces",
        baseConfig({ workspaces: [workspace("app", { project: "Default Project" })] }),
      ],
      ["an omitted project (project:*)", baseConfig({ workspaces: [workspace("app")] })],
      [
        "several workspaces",
        baseConfig({ workspaces: [workspace("a"), workspace("b", { project: "Apps" })] }),
      ],
    ])("passes %s", (_, config) => {
      expect(messages(rule, review(config))).toEqual([]);
    });

    it("passes split plan and apply roles, each pinned to its phase", () => {
      const config = baseConfig({
        workspaces: [
          {
            name: "app",
            project: "Apps",
            plan: { policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
            apply: { policyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] },
          },
        ],
      });
      const input = review(config);
      expect(input.roles.map((r) => r.planned.subject)).toEqual([
        "organization:acme:project:Apps:workspace:app:run_phase:plan",
        "organization:acme:project:Apps:workspace:app:run_phase:apply",
      ]);
      expect(messages(rule, input)).toEqual([]);
    });

    it("passes a project-wide role (workspace:*)", () => {
      const config = baseConfig({
        workspaces: undefined,
        projects: [{ name: "Apps", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }],
      });
      const input = review(config);
      expect(input.roles.map((r) => r.planned.subject)).toEqual([
        "organization:acme:project:Apps:workspace:*:run_phase:*",
      ]);
      expect(messages(rule, input)).toEqual([]);
    });
  });

  describe("Noncompliance", () => {
    it.each([
      [
        "organization:acme*:project:Default Project:workspace:app-prod:run_phase:*",
        'has organization "acme*" and holds a wildcard',
      ],
      [
        "organization:acme:project:Default*:workspace:app-prod:run_phase:*",
        'has project "Default*" and holds a wildcard',
      ],
      [
        "organization:acme:project:*:workspace:app-prod:run_phase:*",
        'has project "*" and holds a wildcard; the config says "Default Project"',
      ],
      [
        "organization:acme:project:Default Project:workspace:app-?:run_phase:*",
        'has workspace "app-?" and holds a wildcard',
      ],
      [
        "organization:acme:project:Default Project:workspace:app-prod*:run_phase:*",
        'has workspace "app-prod*"',
      ],
      [
        "organization:acme:project:Default Project:workspace:app:run_phase:*",
        'has workspace "app"; the config says "app-prod"',
      ],
      [
        "organization:acme:project:Default Project:workspace:app-prod:run_phase:p*",
        'has run_phase "p*" and holds a wildcard; the config says "*"',
      ],
      [
        "organization:acme:project:Default Project:workspace:app-prod:run_phase:plan",
        'has run_phase "plan"; the config says "*"',
      ],
      ["organization:acme:project:Default Project:workspace:app-prod:*", "is not of the form"],
      [
        "organization:acme:workspace:app-prod:project:Default Project:run_phase:*",
        'has "workspace" where "project" belongs',
      ],
    ])("fails the sub pattern %j", (pattern, expected) => {
      const found = messages(
        rule,
        tampered((s) => (s.Condition.StringLike = { [SUB]: pattern })),
      );
      expect(found.length).toBeGreaterThan(0);
      expect(found.join("\n")).toContain(expected);
    });
  });
});

describe(`${rule.id} for HYOK configurations`, () => {
  const hyokOnly = baseConfig({
    aws: { region: "us-east-1" },
    workspaces: undefined,
    hyok: [
      {
        name: "primary",
        kmsKey: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        agentPool: "hyok-agents",
      },
    ],
  });

  it("passes a HYOK role's exact sub", () => {
    expect(messages(rule, review(hyokOnly))).toEqual([]);
  });

  it.each([
    [
      "a wildcard name",
      "organization:acme:hyok_config:prim*",
      'has hyok_config "prim*" and holds a wildcard',
    ],
    ["another name", "organization:acme:hyok_config:other", 'has hyok_config "other"'],
    [
      "another kind's form",
      "organization:acme:module:primary:operation:test_run",
      "is not of the form organization:ORGANIZATION:hyok_config:HYOK_CONFIG",
    ],
  ])("fails %s", (_, pattern, expected) => {
    const input = tampered((s) => {
      s.Condition.StringLike = { "app.terraform.io:sub": pattern };
    }, hyokOnly);
    expect(messages(rule, input)).toEqual([expect.stringContaining(expected)]);
  });
});
