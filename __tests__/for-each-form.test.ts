import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadConfig } from "../lib/config/load";
import { type StackJson, synthStacks, synthStacksRaw } from "./helpers/synth";

const EXAMPLES = join(__dirname, "..", "examples");

/** Every shipped config: the examples, the bootstrap directory and the repository's trust.yaml. */
const shipped: Array<[string, string]> = [
  ...readdirSync(EXAMPLES)
    .filter((file) => file.endsWith(".yaml"))
    .map((file): [string, string] => [file, readFileSync(join(EXAMPLES, file), "utf8")]),
  ["bootstrap/", stringify(loadConfig(join(EXAMPLES, "bootstrap")).config)],
  ["trust.yaml", readFileSync(join(__dirname, "..", "trust.yaml"), "utf8")],
];

/**
 * Every feature that decides keys: accounts with a known, an unknown and a reused provider;
 * split workspace and project roles; a workspace with its own role in a split project; an
 * inline policy; a customer-managed policy; a created workspace; tagged credentials in other
 * accounts; a workspace in no project; a custom audience.
 */
const RICH = `
hcp: { organization: acme-corp, hostname: tfe.example.com, audience: tfe.aws }
accounts:
  prod: { region: us-east-1, accountId: "111122223333" }
  shared: { region: eu-west-1, oidcProviderArn: "arn:aws:iam::444455556666:oidc-provider/tfe.example.com" }
  dev: { region: eu-central-1 }
projects:
  - { name: Apps, account: dev, policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess] }
  - name: Data Platform
    account: prod
    plan: { policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess] }
    apply: { policyArns: [arn:aws:iam::aws:policy/PowerUserAccess] }
workspaces:
  - name: net-prod
    project: Networking
    account: prod
    plan: { policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess] }
    apply:
      policyArns: [arn:aws:iam::aws:policy/PowerUserAccess, arn:aws:iam::111122223333:policy/deploy/Net.Deploy]
  - { name: apps-new, project: Apps, account: dev, create: true, policyArns: [arn:aws:iam::aws:policy/AmazonSQSFullAccess] }
  - name: etl
    project: Data Platform
    account: prod
    policyArns: []
    inlinePolicy:
      Version: "2012-10-17"
      Statement: [{ Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::lake/*" }]
  - name: multi
    project: Platform
    account: prod
    policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
    credentials:
      - { tag: SHARED, account: shared, policyArns: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess] }
      - tag: PROD
        account: prod
        plan: { policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess] }
        apply: { policyArns: [arn:aws:iam::aws:policy/PowerUserAccess] }
  - { name: sandbox, account: dev, policyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess] }
`;

/**
 * The resources the same config synthesized to before each type became one `for_each` resource
 * (one resource per element, named by its stable key), as `STACK TYPE.NAME`.
 */
const BEFORE_FOR_EACH = `
hcp-aws-trust-dev aws_iam_openid_connect_provider.hcp
hcp-aws-trust-dev.Apps aws_iam_role.project_Apps
hcp-aws-trust-dev.Apps aws_iam_role.ws_apps-new
hcp-aws-trust-dev.Apps aws_iam_role_policy_attachment.project_Apps_ReadOnlyAccess
hcp-aws-trust-dev.Apps aws_iam_role_policy_attachment.ws_apps-new_AmazonSQSFullAccess
hcp-aws-trust-dev.Apps tfe_project_variable_set.project_Apps
hcp-aws-trust-dev.Apps tfe_variable.project_Apps_TFC_AWS_PROVIDER_AUTH
hcp-aws-trust-dev.Apps tfe_variable.project_Apps_TFC_AWS_RUN_ROLE_ARN
hcp-aws-trust-dev.Apps tfe_variable.project_Apps_TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE
hcp-aws-trust-dev.Apps tfe_variable.ws_apps-new_TFC_AWS_PROVIDER_AUTH
hcp-aws-trust-dev.Apps tfe_variable.ws_apps-new_TFC_AWS_RUN_ROLE_ARN
hcp-aws-trust-dev.Apps tfe_variable.ws_apps-new_TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE
hcp-aws-trust-dev.Apps tfe_variable_set.project_Apps
hcp-aws-trust-dev.Apps tfe_workspace.ws_apps-new
hcp-aws-trust-dev.any.project aws_iam_role.ws_sandbox
hcp-aws-trust-dev.any.project aws_iam_role_policy_attachment.ws_sandbox_ReadOnlyAccess
hcp-aws-trust-dev.any.project tfe_variable.ws_sandbox_TFC_AWS_PROVIDER_AUTH
hcp-aws-trust-dev.any.project tfe_variable.ws_sandbox_TFC_AWS_RUN_ROLE_ARN
hcp-aws-trust-dev.any.project tfe_variable.ws_sandbox_TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE
hcp-aws-trust-prod aws_iam_openid_connect_provider.hcp
hcp-aws-trust-prod.Data-Platform-7c7cf3 aws_iam_role.project_Data_Platform_dd6dc650_apply
hcp-aws-trust-prod.Data-Platform-7c7cf3 aws_iam_role.project_Data_Platform_dd6dc650_plan
hcp-aws-trust-prod.Data-Platform-7c7cf3 aws_iam_role.ws_etl
hcp-aws-trust-prod.Data-Platform-7c7cf3 aws_iam_role_policy.ws_etl
hcp-aws-trust-prod.Data-Platform-7c7cf3 aws_iam_role_policy_attachment.project_Data_Platform_dd6dc650_apply_PowerUserAccess
hcp-aws-trust-prod.Data-Platform-7c7cf3 aws_iam_role_policy_attachment.project_Data_Platform_dd6dc650_plan_ReadOnlyAccess
hcp-aws-trust-prod.Data-Platform-7c7cf3 tfe_project_variable_set.project_Data_Platform_dd6dc650
hcp-aws-trust-prod.Data-Platform-7c7cf3 tfe_variable.project_Data_Platform_dd6dc650_TFC_AWS_APPLY_ROLE_ARN
hcp-aws-trust-prod.Data-Platform-7c7cf3 tfe_variable.project_Data_Platform_dd6dc650_TFC_AWS_PLAN_ROLE_ARN
hcp-aws-trust-prod.Data-Platform-7c7cf3 tfe_variable.project_Data_Platform_dd6dc650_TFC_AWS_PROVIDER_AUTH
hcp-aws-trust-prod.Data-Platform-7c7cf3 tfe_variable.project_Data_Platform_dd6dc650_TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE
hcp-aws-trust-prod.Data-Platform-7c7cf3 tfe_variable.ws_etl_TFC_AWS_PROVIDER_AUTH
hcp-aws-trust-prod.Data-Platform-7c7cf3 tfe_variable.ws_etl_TFC_AWS_RUN_ROLE_ARN
hcp-aws-trust-prod.Data-Platform-7c7cf3 tfe_variable.ws_etl_TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE
hcp-aws-trust-prod.Data-Platform-7c7cf3 tfe_variable_set.project_Data_Platform_dd6dc650
hcp-aws-trust-prod.Networking aws_iam_role.ws_net-prod_apply
hcp-aws-trust-prod.Networking aws_iam_role.ws_net-prod_plan
hcp-aws-trust-prod.Networking aws_iam_role_policy_attachment.ws_net-prod_apply_111122223333_Net_Deploy_5447bcf5
hcp-aws-trust-prod.Networking aws_iam_role_policy_attachment.ws_net-prod_apply_PowerUserAccess
hcp-aws-trust-prod.Networking aws_iam_role_policy_attachment.ws_net-prod_plan_ReadOnlyAccess
hcp-aws-trust-prod.Networking tfe_variable.ws_net-prod_TFC_AWS_APPLY_ROLE_ARN
hcp-aws-trust-prod.Networking tfe_variable.ws_net-prod_TFC_AWS_PLAN_ROLE_ARN
hcp-aws-trust-prod.Networking tfe_variable.ws_net-prod_TFC_AWS_PROVIDER_AUTH
hcp-aws-trust-prod.Networking tfe_variable.ws_net-prod_TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE
hcp-aws-trust-prod.Platform aws_iam_role.ws_multi
hcp-aws-trust-prod.Platform aws_iam_role.ws_multi_tag_PROD_apply
hcp-aws-trust-prod.Platform aws_iam_role.ws_multi_tag_PROD_plan
hcp-aws-trust-prod.Platform aws_iam_role_policy_attachment.ws_multi_ReadOnlyAccess
hcp-aws-trust-prod.Platform aws_iam_role_policy_attachment.ws_multi_tag_PROD_apply_PowerUserAccess
hcp-aws-trust-prod.Platform aws_iam_role_policy_attachment.ws_multi_tag_PROD_plan_ReadOnlyAccess
hcp-aws-trust-prod.Platform tfe_variable.ws_multi_TFC_AWS_APPLY_ROLE_ARN_PROD
hcp-aws-trust-prod.Platform tfe_variable.ws_multi_TFC_AWS_PLAN_ROLE_ARN_PROD
hcp-aws-trust-prod.Platform tfe_variable.ws_multi_TFC_AWS_PROVIDER_AUTH
hcp-aws-trust-prod.Platform tfe_variable.ws_multi_TFC_AWS_PROVIDER_AUTH_PROD
hcp-aws-trust-prod.Platform tfe_variable.ws_multi_TFC_AWS_PROVIDER_AUTH_SHARED
hcp-aws-trust-prod.Platform tfe_variable.ws_multi_TFC_AWS_RUN_ROLE_ARN
hcp-aws-trust-prod.Platform tfe_variable.ws_multi_TFC_AWS_RUN_ROLE_ARN_SHARED
hcp-aws-trust-prod.Platform tfe_variable.ws_multi_TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE
hcp-aws-trust-prod.Platform tfe_variable.ws_multi_TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE_PROD
hcp-aws-trust-prod.Platform tfe_variable.ws_multi_TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE_SHARED
hcp-aws-trust-shared.Platform aws_iam_role.ws_multi_tag_SHARED
hcp-aws-trust-shared.Platform aws_iam_role_policy_attachment.ws_multi_tag_SHARED_AmazonS3ReadOnlyAccess
`
  .trim()
  .split("\n");

/**
 * Elements that are new on purpose: a workspace with its own role in a project whose role is
 * split names its own role for plan and apply too, so the project's plan and apply roles never
 * win over it.
 */
const ADDED = [
  "hcp-aws-trust-prod.Data-Platform-7c7cf3 tfe_variable.ws_etl_TFC_AWS_APPLY_ROLE_ARN",
  "hcp-aws-trust-prod.Data-Platform-7c7cf3 tfe_variable.ws_etl_TFC_AWS_PLAN_ROLE_ARN",
];

/** `STACK TYPE.NAME["KEY"]` read as the address the element had before: `STACK TYPE.KEY`. */
function beforeForEach(stack: string, type: string, name: string): string {
  const instance = /^[a-z_]+\["([^"]+)"\]$/.exec(name);
  if (instance?.[1] === undefined) return `${stack} ${type}.${name}`;
  // A created workspace is keyed by its name; its resource was named ws_NAME.
  const key = type === "tfe_workspace" ? `ws_${instance[1]}` : instance[1];
  return `${stack} ${type}.${key}`;
}

describe("the for_each form", () => {
  it("keys every instance by the name its resource had before, so each element keeps its key", () => {
    const now = Object.entries(synthStacks(RICH)).flatMap(([stack, json]) =>
      Object.entries(json.resource ?? {}).flatMap(([type, items]) =>
        Object.keys(items).map((name) => beforeForEach(stack, type, name)),
      ),
    );
    expect(now.sort()).toEqual([...BEFORE_FOR_EACH, ...ADDED].sort());
  });

  it("looks each existing workspace up once, keyed by its name, in the stack of its variables", () => {
    const stacks = synthStacks(RICH);
    const lookups = Object.entries(stacks).flatMap(([stack, json]) =>
      Object.keys(json.data?.tfe_workspace ?? {}).map((name) => `${stack} ${name}`),
    );
    expect(lookups.sort()).toEqual([
      'hcp-aws-trust-dev.any.project workspaces["sandbox"]',
      'hcp-aws-trust-prod.Data-Platform-7c7cf3 workspaces["etl"]',
      'hcp-aws-trust-prod.Networking workspaces["net-prod"]',
      'hcp-aws-trust-prod.Platform workspaces["multi"]',
    ]);
    expect(stacks["hcp-aws-trust-dev.Apps"]?.data?.tfe_workspace).toBeUndefined();
  });

  it.each([...shipped, ["the rich config", RICH]])(
    "gives each project stack of %s one resource per type, each a for_each over a literal map",
    (_, config) => {
      const raw = synthStacksRaw(config);
      const projectStacks = Object.entries(raw).filter(([name]) => name.includes("."));
      expect(projectStacks.length).toBeGreaterThan(0);
      for (const [stack, json] of projectStacks) {
        for (const block of ["resource", "data"] as const) {
          for (const [type, items] of Object.entries(json[block] ?? {})) {
            const names = Object.keys(items);
            expect(names, `${stack} ${block} ${type}`).toHaveLength(1);
            const body = items[names[0] ?? ""] ?? {};
            if (type === "aws_caller_identity" || type === "aws_partition") continue;
            const map = body.for_each as Record<string, unknown> | undefined;
            expect(typeof map, `${stack} ${type}`).toBe("object");
            expect(Object.keys(map ?? {}).length, `${stack} ${type}`).toBeGreaterThan(0);
          }
        }
      }
    },
  );

  it.each([...shipped, ["the rich config", RICH]])(
    "lets every stack of %s be planned on its own, and pins the Terraform version",
    (_, config) => {
      for (const [stack, json] of Object.entries(synthStacksRaw(config))) {
        expect(json.data?.terraform_remote_state, stack).toBeUndefined();
        expect(json.data?.aws_iam_openid_connect_provider, stack).toBeUndefined();
        expect(JSON.stringify(json), stack).not.toContain("terraform_remote_state");
        // use_lockfile (S3's own lock) needs 1.10.
        expect((json as StackJson).terraform?.required_version, stack).toBe(">= 1.10.0");
      }
    },
  );
});
