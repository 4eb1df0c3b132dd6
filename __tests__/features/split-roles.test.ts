import { describe, expect, it } from "vitest";
import { resource, synth, workspace } from "../helpers/synth";
import { example, problemsOf, READ_ONLY, trustOf, variablesOf } from "./helpers";

describe("split plan and apply roles", () => {
  const stack = synth(example("split-roles.yaml"));

  it("gives a workspace two roles, each trusting exactly its phase", () => {
    expect(resource(stack, "aws_iam_role", 'roles["ws_net-prod_plan"]').name).toBe(
      "tfc-acme-corp-net-prod-plan",
    );
    expect(resource(stack, "aws_iam_role", 'roles["ws_net-prod_apply"]').name).toBe(
      "tfc-acme-corp-net-prod-apply",
    );
    expect(trustOf(stack, 'roles["ws_net-prod_plan"]').Condition.StringLike).toEqual({
      "app.terraform.io:sub":
        "organization:acme-corp:project:Networking:workspace:net-prod:run_phase:plan",
    });
    expect(trustOf(stack, 'roles["ws_net-prod_apply"]').Condition.StringLike).toEqual({
      "app.terraform.io:sub":
        "organization:acme-corp:project:Networking:workspace:net-prod:run_phase:apply",
    });
    expect(resource(stack, "aws_iam_role", 'roles["ws_net-prod_plan"]').tags).toMatchObject({
      HcpRunPhase: "plan",
    });
  });

  it("attaches each phase's policies to its own role", () => {
    expect(
      resource(
        stack,
        "aws_iam_role_policy_attachment",
        'attachments["ws_net-prod_plan_ReadOnlyAccess"]',
      ).role,
    ).toBe('${aws_iam_role.roles["ws_net-prod_plan"].name}');
    expect(
      resource(
        stack,
        "aws_iam_role_policy_attachment",
        'attachments["ws_net-prod_apply_PowerUserAccess"]',
      ).role,
    ).toBe('${aws_iam_role.roles["ws_net-prod_apply"].name}');
  });

  it("sets the plan and apply role variables instead of the run role", () => {
    expect(variablesOf(stack, '${data.tfe_workspace.workspaces["net-prod"].id}')).toEqual({
      TFC_AWS_PROVIDER_AUTH: "true",
      TFC_AWS_PLAN_ROLE_ARN: '${aws_iam_role.roles["ws_net-prod_plan"].arn}',
      TFC_AWS_APPLY_ROLE_ARN: '${aws_iam_role.roles["ws_net-prod_apply"].arn}',
    });
  });

  const split = { plan: { policyArns: [READ_ONLY] }, apply: { policyArns: [READ_ONLY] } };
  it.each([
    [
      "top-level policyArns beside plan and apply",
      { ...split, policyArns: [READ_ONLY] },
      'workspaces[0].policyArns: workspace "app" has plan: and apply: roles, so policyArns belongs under plan: and apply:',
    ],
    [
      "an inline policy beside plan and apply",
      {
        ...split,
        policyArns: undefined,
        inlinePolicy: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
        },
      },
      "so inlinePolicy belongs under plan: and apply:",
    ],
    [
      "roleName beside plan and apply",
      { ...split, policyArns: undefined, roleName: "x" },
      "so roleName belongs under plan: and apply:",
    ],
    [
      "plan without apply",
      { plan: split.plan, policyArns: undefined },
      'workspaces[0].apply: workspace "app" has plan: but no apply:',
    ],
    [
      "an empty plan role",
      { plan: {}, apply: split.apply, policyArns: undefined },
      'workspaces[0].plan: the plan role of workspace "app" grants nothing',
    ],
  ])("fails on %s", (_, entry, expected) => {
    const ws = Object.fromEntries(
      Object.entries({ ...workspace("app"), ...entry }).filter(([, v]) => v !== undefined),
    );
    expect(
      problemsOf({ hcp: { organization: "acme" }, aws: { region: "us-east-1" }, workspaces: [ws] }),
    ).toContain(expected);
  });
});
