import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parseConfig } from "../lib/config/load";
import { decide } from "./helpers/evaluate";
import { baseConfig, synthRoles, workspace } from "./helpers/synth";
import { scopesOf, trustCases } from "./helpers/trust-cases";

const EXAMPLE = readFileSync(join(__dirname, "..", "trust.yaml"), "utf8");

const EXAMPLES = join(__dirname, "..", "examples");

const CONFIGS: Record<string, string> = {
  "the shipped example": EXAMPLE,
  ...Object.fromEntries(
    readdirSync(EXAMPLES)
      .filter((name) => name.endsWith(".yaml"))
      .map((name) => [`examples/${name}`, readFileSync(join(EXAMPLES, name), "utf8")]),
  ),
  "a Terraform Enterprise host with a custom audience and a reused provider": stringify(
    baseConfig({
      hcp: { organization: "acme_eu", hostname: "tfe.example.com", audience: "tfe.aws.workload" },
      aws: {
        region: "eu-west-1",
        oidcProviderArn: "arn:aws:iam::444455556666:oidc-provider/tfe.example.com",
      },
      workspaces: [workspace("payments", { project: "Team Payments - EU" }), workspace("x")],
    }),
  ),
  "a GovCloud account": stringify(
    baseConfig({
      aws: { region: "us-gov-west-1" },
      workspaces: [
        workspace("gov-app", {
          project: "Gov",
          policyArns: ["arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"],
        }),
      ],
    }),
  ),
};

describe.each(Object.entries(CONFIGS))("with %s", (_, text) => {
  const config = parseConfig(text);
  const expected = scopesOf(config);
  const roles = synthRoles(text);

  it("every role written is one the config asks for", () => {
    expect(roles.map((role) => `${role.stack} ${role.address}`).sort()).toEqual(
      [...expected.keys()].sort(),
    );
  });

  describe.each(roles.map((role) => [role.name, role] as const))("role %s", (_, role) => {
    const scope = expected.get(`${role.stack} ${role.address}`);
    if (scope === undefined) throw new Error(`no scope for ${role.stack} ${role.address}`);
    it.each(trustCases(scope).map((c) => [c.name, c] as const))("%s", (__, trustCase) => {
      expect(decide(role, trustCase.claims)).toBe(
        trustCase.allowed ? "Allowed" : "ImplicitlyDenied",
      );
    });
  });
});

describe("the example config", () => {
  it("has a workspace without a project, whose role admits any project", () => {
    const sandbox = (parse(EXAMPLE).workspaces as Array<{ name: string; project?: string }>).find(
      (ws) => ws.project === undefined,
    );
    expect(sandbox).toBeDefined();
  });
});
