import { describe, expect, it } from "vitest";
import { trustPinsAudienceAndOrganization as rule } from "../../lib/rules/trust-pins-audience-and-organization";
import { baseConfig, workspace } from "../helpers/synth";
import { messages, review, type Statement, tampered } from "./helpers";

const SUB = "app.terraform.io:sub";
const AUD = "app.terraform.io:aud";

describe(rule.id, () => {
  describe("Compliance", () => {
    it.each([
      ["a workspace with a project", baseConfig()],
      ["a workspace in any project", baseConfig({ workspaces: [workspace("app")] })],
      [
        "a Terraform Enterprise host",
        baseConfig({ hcp: { organization: "acme", hostname: "tfe.example.com", audience: "x" } }),
      ],
    ])("passes %s", (_, config) => {
      expect(messages(rule, review(config))).toEqual([]);
    });

    it("passes a project-wide sub pattern that names the project", () => {
      const input = tampered((s) => {
        s.Condition.StringLike = {
          [SUB]: "organization:acme:project:Apps:workspace:*:run_phase:*",
        };
      });
      expect(messages(rule, input)).toEqual([]);
    });
  });

  describe("Noncompliance", () => {
    const sub = (pattern: string) => (s: Statement) => {
      s.Condition.StringLike = { [SUB]: pattern };
    };
    it.each<[string, (s: Statement) => void, string]>([
      [
        "no audience condition",
        (s) => delete s.Condition.StringEquals,
        "does not check app.terraform.io:aud with StringEquals",
      ],
      [
        "an audience matched with StringLike",
        (s) => {
          delete s.Condition.StringEquals;
          s.Condition.StringLike = { ...s.Condition.StringLike, [AUD]: "aws.workload.identity" };
        },
        "does not check app.terraform.io:aud with StringEquals",
      ],
      [
        "a wildcard audience",
        (s) => (s.Condition.StringEquals = { [AUD]: "aws.*" }),
        "against an exact audience",
      ],
      [
        "no sub condition",
        (s) => delete s.Condition.StringLike,
        "has no app.terraform.io:sub condition",
      ],
      [
        "a sub for another host",
        (s) => (s.Condition.StringLike = { "tfe.example.com:sub": "organization:acme:*" }),
        "has no app.terraform.io:sub condition",
      ],
      [
        "a wildcard organization",
        sub("organization:*:project:*:workspace:app:run_phase:*"),
        "does not pin the organization",
      ],
      [
        "an organization prefix",
        sub("organization:acme*:project:*:workspace:app:run_phase:*"),
        "does not pin the organization",
      ],
      ["a bare wildcard", sub("*"), "does not pin the organization"],
      [
        "neither workspace nor project",
        sub("organization:acme:project:*:workspace:*:run_phase:*"),
        "names neither a workspace nor a project",
      ],
      [
        "an organization only",
        sub("organization:acme:*"),
        "names neither a workspace nor a project",
      ],
    ])("fails a trust policy with %s", (_, change, expected) => {
      const found = messages(rule, tampered(change));
      expect(found).toEqual([expect.stringContaining(expected)]);
      expect(found[0]).toMatch(/^workspaces\[0\]: role tfc-acme-app-prod: /);
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

  it("fails a HYOK sub pattern that does not name its configuration", () => {
    const input = tampered((s) => {
      s.Condition.StringLike = { [SUB]: "organization:acme:hyok_config:*" };
    }, hyokOnly);
    expect(messages(rule, input)).toEqual([
      'hyok[0]: role tfc-acme-hyok-primary: sub pattern "organization:acme:hyok_config:*" does not name its HYOK configuration',
    ]);
  });
});
