import { describe, expect, it } from "vitest";
import { resource, type StackJson, synth, synthStacks } from "../helpers/synth";
import { example, problemsOf, READ_ONLY, variablesOf } from "./helpers";

describe("multiple configurations in one workspace (tagged)", () => {
  const stacks = synthStacks(example("tagged.yaml"));

  it("give one role per credential entry, in the entry's account", () => {
    expect(
      Object.keys(stacks["hcp-aws-trust-prod.Platform"]?.resource?.aws_iam_role ?? {}),
    ).toEqual(['roles["ws_multi_tag_PROD"]']);
    expect(
      Object.keys(stacks["hcp-aws-trust-shared.Platform"]?.resource?.aws_iam_role ?? {}).sort(),
    ).toEqual(['roles["ws_multi_tag_SHARED_apply"]', 'roles["ws_multi_tag_SHARED_plan"]']);
    const prod = stacks["hcp-aws-trust-prod.Platform"] ?? ({} as StackJson);
    expect(resource(prod, "aws_iam_role", 'roles["ws_multi_tag_PROD"]')).toMatchObject({
      name: "tfc-acme-corp-multi-PROD",
      tags: expect.objectContaining({ HcpCredentialTag: "PROD" }),
    });
  });

  it("set the tagged variables, and no untagged ones, with the first role's stack", () => {
    const prod = stacks["hcp-aws-trust-prod.Platform"] ?? ({} as StackJson);
    expect(variablesOf(prod, '${data.tfe_workspace.workspaces["multi"].id}')).toEqual({
      TFC_AWS_PROVIDER_AUTH_PROD: "true",
      TFC_AWS_RUN_ROLE_ARN_PROD: "arn:aws:iam::111122223333:role/tfc-acme-corp-multi-PROD",
      TFC_AWS_PROVIDER_AUTH_SHARED: "true",
      TFC_AWS_PLAN_ROLE_ARN_SHARED:
        "arn:aws:iam::444455556666:role/tfc-acme-corp-multi-SHARED-plan",
      TFC_AWS_APPLY_ROLE_ARN_SHARED:
        "arn:aws:iam::444455556666:role/tfc-acme-corp-multi-SHARED-apply",
    });
    expect(stacks["hcp-aws-trust-shared.Platform"]?.resource?.tfe_variable).toBeUndefined();
    // Known account IDs: the ARNs are literals, and the stacks do not read each other.
    expect(stacks["hcp-aws-trust-prod.Platform"]?.data?.terraform_remote_state).toBeUndefined();
  });

  const tagged = (...tags: string[]) => ({
    hcp: { organization: "acme" },
    aws: { region: "us-east-1" },
    workspaces: [
      { name: "multi", credentials: tags.map((tag) => ({ tag, policyArns: [READ_ONLY] })) },
    ],
  });
  it.each([
    [["TYPE"], 'tag "TYPE" is reserved by HCP Terraform'],
    [["type"], 'tag "type" is reserved by HCP Terraform'],
    [["PROD-1"], 'tag "PROD-1" may contain only letters, digits and "_"'],
    [["PROD", "prod"], 'tag "prod" is used twice in workspace "multi" (also at credentials[0])'],
  ])("refuse the credential tags %j, naming the problem", (tags, expected) => {
    expect(problemsOf(tagged(...tags))).toContain(expected);
  });

  it("accept letters, digits and '_' in tags", () => {
    expect(Object.keys(synth(tagged("PROD_2", "eu1")).resource?.aws_iam_role ?? {}).sort()).toEqual(
      ['roles["ws_multi_tag_PROD_2"]', 'roles["ws_multi_tag_eu1"]'],
    );
  });
});
