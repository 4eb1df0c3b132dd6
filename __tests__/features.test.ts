import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ConfigError, loadConfig, parseConfig } from "../lib/config/load";
import { checkRules } from "../lib/rules/engine";
import { buildApp } from "../stacks/app";
import {
  type ConfigInput,
  readConfigText,
  resource,
  type StackJson,
  synth,
  synthStacks,
  tempDir,
  workspace,
} from "./helpers/synth";

const EXAMPLES = join(__dirname, "..", "examples");
const example = (name: string) => readFileSync(join(EXAMPLES, name), "utf8");
const exampleConfig = (name: string) => parse(example(name)) as ConfigInput;
const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/** The problems of a config: schema, then safety rules; fails the test if there are none. */
function problemsOf(config: ConfigInput): string {
  try {
    const { config: parsed, locate } = readConfigText(config);
    buildApp(parsed, { outdir: tempDir("unused-"), locate });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

function variablesOf(stack: ReturnType<typeof synth>, target: string) {
  return Object.fromEntries(
    Object.values(stack.resource?.tfe_variable ?? {})
      .filter((v) => v.workspace_id === target || v.variable_set_id === target)
      .map((v) => [v.key, v.value]),
  );
}

function trustOf(stack: ReturnType<typeof synth>, address: string) {
  return JSON.parse(resource(stack, "aws_iam_role", address).assume_role_policy as string)
    .Statement[0];
}

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

describe("project-wide roles", () => {
  const stack = synth(example("project-roles.yaml"));
  const dataPlatform = Object.keys(stack.resource?.aws_iam_role ?? {}).filter((name) =>
    name.startsWith('roles["project_Data_Platform'),
  );

  it("give the project one role that every workspace of the project may assume", () => {
    const role = resource(stack, "aws_iam_role", 'roles["project_Apps"]');
    expect(role.name).toBe("tfc-acme-corp-project-Apps");
    expect(trustOf(stack, 'roles["project_Apps"]').Condition.StringLike).toEqual({
      "app.terraform.io:sub": "organization:acme-corp:project:Apps:workspace:*:run_phase:*",
    });
  });

  it("handle project names with spaces and split phases", () => {
    expect(dataPlatform).toHaveLength(2);
    const plan = dataPlatform.find((name) => name.endsWith('_plan"]')) ?? "";
    expect(resource(stack, "aws_iam_role", plan).name).toMatch(
      /^tfc-acme-corp-project-Data-Platform-[0-9a-f]{6}-plan$/,
    );
    expect(trustOf(stack, plan).Condition.StringLike).toEqual({
      "app.terraform.io:sub":
        "organization:acme-corp:project:Data Platform:workspace:*:run_phase:plan",
    });
  });

  it("put the variables in a variable set attached to the project, looked up by name", () => {
    expect(stack.data?.tfe_project?.['projects["project_Apps"]']).toMatchObject({
      name: "Apps",
      organization: "acme-corp",
    });
    expect(resource(stack, "tfe_variable_set", 'projects["project_Apps"]')).toMatchObject({
      name: "hcp-aws-trust: Apps",
      organization: "acme-corp",
      priority: false,
    });
    expect(resource(stack, "tfe_project_variable_set", 'projects["project_Apps"]')).toMatchObject({
      project_id: '${data.tfe_project.projects["project_Apps"].id}',
      variable_set_id: '${tfe_variable_set.projects["project_Apps"].id}',
    });
    expect(variablesOf(stack, '${tfe_variable_set.projects["project_Apps"].id}')).toEqual({
      TFC_AWS_PROVIDER_AUTH: "true",
      TFC_AWS_RUN_ROLE_ARN: '${aws_iam_role.roles["project_Apps"].arn}',
    });
  });

  it("warn, on every synth, when a workspace of the project keeps its own role", () => {
    const { warnings, errors } = checkRules(parseConfig(example("project-roles.yaml")));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      {
        rule: "workspace-role-overrides-project",
        path: "workspaces[0]",
        message:
          "workspace apps-billing is in project \"Apps\", which has a project-wide role (projects[0]); the workspace's own variables name its own role for every key the project's variable set carries, so its plan and apply runs use its own role, not the project's",
      },
    ]);
    expect(variablesOf(stack, '${data.tfe_workspace.workspaces["apps-billing"].id}')).toEqual({
      TFC_AWS_PROVIDER_AUTH: "true",
      TFC_AWS_RUN_ROLE_ARN: '${aws_iam_role.roles["ws_apps-billing"].arn}',
    });
  });

  it("name a workspace's own role for plan and apply too when the project's role is split", () => {
    const own = synth({
      hcp: { organization: "acme" },
      aws: { region: "us-east-1" },
      projects: [
        {
          name: "Data",
          plan: { policyArns: [READ_ONLY] },
          apply: { policyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] },
        },
      ],
      workspaces: [workspace("etl", { project: "Data" }), workspace("other")],
    });
    const etl = '${aws_iam_role.roles["ws_etl"].arn}';
    // The project's set carries TFC_AWS_PLAN_ROLE_ARN and TFC_AWS_APPLY_ROLE_ARN; without its own,
    // the workspace's runs would take the project's plan and apply roles.
    expect(variablesOf(own, '${data.tfe_workspace.workspaces["etl"].id}')).toEqual({
      TFC_AWS_PROVIDER_AUTH: "true",
      TFC_AWS_RUN_ROLE_ARN: etl,
      TFC_AWS_PLAN_ROLE_ARN: etl,
      TFC_AWS_APPLY_ROLE_ARN: etl,
    });
    expect(
      Object.keys(variablesOf(own, '${tfe_variable_set.projects["project_Data"].id}')),
    ).toEqual(["TFC_AWS_APPLY_ROLE_ARN", "TFC_AWS_PLAN_ROLE_ARN", "TFC_AWS_PROVIDER_AUTH"]);
    // A workspace outside the project keeps its run role only.
    expect(variablesOf(own, '${data.tfe_workspace.workspaces["other"].id}')).toEqual({
      TFC_AWS_PROVIDER_AUTH: "true",
      TFC_AWS_RUN_ROLE_ARN: '${aws_iam_role.roles["ws_other"].arn}',
    });
  });

  it("fail on a project listed twice", () => {
    const project = { name: "Apps", policyArns: [READ_ONLY] };
    expect(
      problemsOf({
        hcp: { organization: "acme" },
        aws: { region: "us-east-1" },
        projects: [project, { ...project, name: "apps" }],
      }),
    ).toContain('projects[1].name: project "apps" is listed twice (also at projects[0])');
  });
});

describe("bootstrapping new workspaces", () => {
  const dir = join(EXAMPLES, "bootstrap");

  it("creates each workspace in its project and points the variables at it", () => {
    const stack = synth(stringify(loadConfig(dir).config));
    for (const name of ["payments-api", "payments-worker"]) {
      expect(resource(stack, "tfe_workspace", `created["${name}"]`)).toMatchObject({
        name,
        organization: "acme-corp",
        project_id: '${data.tfe_project.projects["project_Payments"].id}',
        lifecycle: { prevent_destroy: true },
      });
      expect(variablesOf(stack, `\${tfe_workspace.created["${name}"].id}`)).toEqual({
        TFC_AWS_PROVIDER_AUTH: "true",
        TFC_AWS_RUN_ROLE_ARN: `\${aws_iam_role.roles["ws_${name}"].arn}`,
      });
    }
    expect(Object.keys(stack.data?.tfe_project ?? {})).toEqual(['projects["project_Payments"]']);
    expect(stack.data?.tfe_workspace).toBeUndefined();
  });

  it("needs a project to create a workspace in", () => {
    expect(
      problemsOf({
        hcp: { organization: "acme" },
        aws: { region: "us-east-1" },
        workspaces: [workspace("new", { create: true })],
      }),
    ).toContain(
      'workspaces[0].project: workspace "new" has create: true, so it needs a project to be created in',
    );
  });
});

describe("several AWS accounts", () => {
  const stacks = synthStacks(example("accounts.yaml"));

  it("give each account a base stack for its OIDC provider, and a stack per project that deploys after it", () => {
    expect(Object.keys(stacks).sort()).toEqual([
      "hcp-aws-trust-prod",
      "hcp-aws-trust-prod.any.project",
      "hcp-aws-trust-shared.any.project",
    ]);
    expect(stacks["hcp-aws-trust-prod.any.project"]?.dependencies).toEqual(["hcp-aws-trust-prod"]);
    // The shared account reuses its provider: no base stack, nothing to wait for.
    expect(stacks["hcp-aws-trust-shared.any.project"]?.dependencies).toEqual([]);
  });

  it("configure each account's AWS provider: region, the only account it accepts, the identity that deploys it", () => {
    const prod = {
      region: "us-east-1",
      allowed_account_ids: ["111122223333"],
      assume_role: [
        {
          role_arn: "arn:aws:iam::111122223333:role/platform-deployer",
          session_name: "hcp-aws-trust",
        },
      ],
    };
    expect(stacks["hcp-aws-trust-prod"]?.provider?.aws).toEqual([prod]);
    expect(stacks["hcp-aws-trust-prod.any.project"]?.provider?.aws).toEqual([prod]);
    expect(stacks["hcp-aws-trust-shared.any.project"]?.provider?.aws).toEqual([
      { region: "eu-west-1", allowed_account_ids: ["444455556666"] },
    ]);
  });

  it("create the OIDC provider in the base stack, and trust it by ARN where the account ID is known", () => {
    const prod = stacks["hcp-aws-trust-prod.any.project"] ?? ({} as StackJson);
    const shared = stacks["hcp-aws-trust-shared.any.project"] ?? ({} as StackJson);
    expect(
      Object.keys(stacks["hcp-aws-trust-prod"]?.resource?.aws_iam_openid_connect_provider ?? {}),
    ).toEqual(["hcp"]);
    expect(Object.keys(prod.resource?.aws_iam_role ?? {})).toEqual(['roles["ws_app-prod"]']);
    expect(Object.keys(shared.resource?.aws_iam_role ?? {})).toEqual(['roles["ws_artifacts"]']);
    expect(trustOf(prod, 'roles["ws_app-prod"]').Principal).toEqual({
      Federated: "arn:aws:iam::111122223333:oidc-provider/app.terraform.io",
    });
    // Known or reused: the ARN is a literal, and nothing reads the account at plan time.
    expect(prod.data?.aws_caller_identity).toBeUndefined();
    expect(shared.data?.aws_caller_identity).toBeUndefined();
    expect(trustOf(shared, 'roles["ws_artifacts"]').Principal).toEqual({
      Federated: "arn:aws:iam::444455556666:oidc-provider/app.terraform.io",
    });
  });

  it("keep each workspace's variables with its role", () => {
    const prod = stacks["hcp-aws-trust-prod.any.project"] ?? ({} as StackJson);
    expect(variablesOf(prod, '${data.tfe_workspace.workspaces["app-prod"].id}')).toEqual({
      TFC_AWS_PROVIDER_AUTH: "true",
      TFC_AWS_RUN_ROLE_ARN: "arn:aws:iam::111122223333:role/tfc-acme-corp-app-prod",
    });
    expect(prod.data?.terraform_remote_state).toBeUndefined();
  });

  it("derive the provider's ARN from the deploying account when the account ID is not known", () => {
    const all = synthStacks({
      hcp: { organization: "acme" },
      accounts: { dev: { region: "eu-central-1" }, prod: { region: "us-east-1" } },
      workspaces: [
        { name: "app", account: "prod", policyArns: [READ_ONLY] },
        { name: "web", account: "dev", policyArns: [READ_ONLY] },
      ],
    });
    const prod = all["hcp-aws-trust-prod.any.project"] ?? ({} as StackJson);
    expect(prod.data?.aws_iam_openid_connect_provider).toBeUndefined();
    expect(Object.keys(prod.data?.aws_caller_identity ?? {})).toEqual(["current"]);
    expect(Object.keys(prod.data?.aws_partition ?? {})).toEqual(["current"]);
    expect(trustOf(prod, 'roles["ws_app"]').Principal).toEqual({
      Federated:
        "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/app.terraform.io",
    });
    // Each project stack waits for its own account's base stack only, and reads no other stack.
    expect(all["hcp-aws-trust-prod.any.project"]?.dependencies).toEqual(["hcp-aws-trust-prod"]);
    expect(all["hcp-aws-trust-dev.any.project"]?.dependencies).toEqual(["hcp-aws-trust-dev"]);
    for (const stack of Object.values(all)) {
      expect(stack.data?.terraform_remote_state).toBeUndefined();
    }
  });

  it("fail on a tagged credential's role in another account whose ID is not given, naming the credential and the account", () => {
    const crossed = (name: string, own: string, other: string) => ({
      name,
      account: own,
      policyArns: [READ_ONLY],
      credentials: [{ tag: "OTHER", account: other, policyArns: [READ_ONLY] }],
    });
    const config = {
      hcp: { organization: "acme" },
      accounts: { prod: { region: "us-east-1" }, dev: { region: "eu-west-1" } },
      workspaces: [crossed("a", "prod", "dev"), crossed("b", "dev", "prod")],
    };
    const problems = problemsOf(config);
    expect(problems).toContain("Config problems (2):");
    expect(problems).toContain(
      'workspaces[0].credentials[0]: the role of TFC_AWS_RUN_ROLE_ARN_OTHER is in account "dev", whose ID the config does not give',
    );
    expect(problems).toContain(
      'workspaces[1].credentials[0]: the role of TFC_AWS_RUN_ROLE_ARN_OTHER is in account "prod", whose ID the config does not give',
    );
    expect(problems).toContain('set accountId on account "dev"');
    // With the account IDs, the ARNs are literals: a base and a project stack per account.
    const stacks = synthStacks({
      ...config,
      accounts: {
        prod: { region: "us-east-1", accountId: "111122223333" },
        dev: { region: "eu-west-1", accountId: "444455556666" },
      },
    });
    expect(Object.keys(stacks).length).toBe(4);
    expect(
      variablesOf(
        stacks["hcp-aws-trust-prod.any.project"] ?? ({} as StackJson),
        '${data.tfe_workspace.workspaces["a"].id}',
      ).TFC_AWS_RUN_ROLE_ARN_OTHER,
    ).toBe("arn:aws:iam::444455556666:role/tfc-acme-a-OTHER");
  });

  it("accept a tagged credential whose ID is unknown in the account of the workspace's variables", () => {
    // Every role of the workspace in one account: its ARNs are references within one stack.
    const stacks = synthStacks({
      hcp: { organization: "acme" },
      accounts: { prod: { region: "us-east-1" }, dev: { region: "eu-west-1" } },
      workspaces: [
        {
          name: "a",
          account: "dev",
          policyArns: [READ_ONLY],
          credentials: [{ tag: "DEV", account: "dev", policyArns: [READ_ONLY] }],
        },
      ],
    });
    const dev = stacks["hcp-aws-trust-dev.any.project"] ?? ({} as StackJson);
    expect(variablesOf(dev, '${data.tfe_workspace.workspaces["a"].id}')).toMatchObject({
      TFC_AWS_RUN_ROLE_ARN: '${aws_iam_role.roles["ws_a"].arn}',
      TFC_AWS_RUN_ROLE_ARN_DEV: '${aws_iam_role.roles["ws_a_tag_DEV"].arn}',
    });
  });

  const two = { prod: { region: "us-east-1" }, dev: { region: "eu-west-1" } };
  it.each([
    [
      "a workspace naming no account when there are several",
      { accounts: two, workspaces: [workspace("app")] },
      "workspaces[0].account: is required (a string): with several accounts, each entry names its own; one of prod, dev",
    ],
    [
      "an unknown account",
      { accounts: two, workspaces: [workspace("app", { account: "stage" })] },
      'workspaces[0].account: "stage" is not an account of this config; one of prod, dev',
    ],
    [
      "both aws and accounts",
      {
        aws: { region: "us-east-1" },
        accounts: two,
        workspaces: [workspace("app", { account: "prod" })],
      },
      "accounts: give either aws (one account) or accounts (several), not both",
    ],
    [
      "neither aws nor accounts",
      { aws: undefined, workspaces: [workspace("app")] },
      "aws: is required (a mapping): give aws (one account) or accounts (several)",
    ],
    [
      "an account named hcp",
      { accounts: { hcp: { region: "us-east-1" } }, workspaces: [workspace("app")] },
      'the account name "hcp" is reserved',
    ],
    [
      "a deploy role in another account",
      {
        accounts: {
          prod: {
            region: "us-east-1",
            accountId: "111122223333",
            assumeRoleArn: "arn:aws:iam::999999999999:role/deployer",
          },
        },
        workspaces: [workspace("app")],
      },
      "is in account 999999999999, but accountId is 111122223333",
    ],
    [
      "an account ID that is not 12 digits",
      {
        accounts: { prod: { region: "us-east-1", accountId: "12345" } },
        workspaces: [workspace("app")],
      },
      'accounts.prod.accountId: "12345" is not an AWS account ID',
    ],
  ])("fail on %s", (_, overrides, expected) => {
    const config = Object.fromEntries(
      Object.entries({ hcp: { organization: "acme" }, ...overrides }).filter(
        ([, v]) => v !== undefined,
      ),
    );
    expect(problemsOf(config)).toContain(expected);
  });

  it("accept a v1 aws block as the single account named default", () => {
    expect(
      problemsOf({
        hcp: { organization: "acme" },
        aws: { region: "us-east-1" },
        workspaces: [workspace("app", { account: "prod" })],
      }),
    ).toContain(
      '"prod" is not an account of this config; one of default (the aws block is the account "default")',
    );
    expect(
      Object.keys(
        synthStacks({
          hcp: { organization: "acme" },
          aws: { region: "us-east-1" },
          workspaces: [workspace("app", { account: "default" })],
        }),
      ).sort(),
    ).toEqual(["hcp-aws-trust-default", "hcp-aws-trust-default.any.project"]);
  });
});

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
  ])("fail on tags %j", (tags, expected) => {
    expect(problemsOf(tagged(...tags))).toContain(expected);
  });

  it("accept letters, digits and '_' in tags", () => {
    expect(Object.keys(synth(tagged("PROD_2", "eu1")).resource?.aws_iam_role ?? {}).sort()).toEqual(
      ['roles["ws_multi_tag_PROD_2"]', 'roles["ws_multi_tag_eu1"]'],
    );
  });
});

describe("role options", () => {
  const stack = synth(example("role-options.yaml"));

  it("apply defaults and per-entry overrides to the role", () => {
    const role = resource(stack, "aws_iam_role", 'roles["ws_legacy-app"]');
    expect(role).toMatchObject({
      name: "legacy-terraform-role",
      path: "/hcp-terraform/",
      permissions_boundary: "arn:aws:iam::111122223333:policy/TerraformBoundary",
      max_session_duration: 3600,
      description: "Terraform runs of legacy-app",
      tags: {
        CostCenter: "platform",
        Owner: "team-legacy",
        ManagedBy: "hcp-aws-trust",
        HcpOrganization: "acme-corp",
        HcpProject: "Default Project",
        HcpWorkspace: "legacy-app",
      },
    });
  });

  const withOption = (options: Record<string, unknown>) => ({
    hcp: { organization: "acme" },
    aws: { region: "us-east-1" },
    workspaces: [workspace("app", options)],
  });

  it.each([[3600], [43_200]])("accept maxSessionDuration %d", (seconds) => {
    expect(
      resource(
        synth(withOption({ maxSessionDuration: seconds })),
        "aws_iam_role",
        'roles["ws_app"]',
      ).max_session_duration,
    ).toBe(seconds);
  });

  it.each([
    [{ maxSessionDuration: 3599 }, "maxSessionDuration is 3599 seconds; IAM allows 3600 to 43200"],
    [
      { maxSessionDuration: 43_201 },
      "maxSessionDuration is 43201 seconds; IAM allows 3600 to 43200",
    ],
    [{ maxSessionDuration: 3600.5 }, "maxSessionDuration is a whole number of seconds"],
    [{ roleName: "my role" }, '"my role" is not a valid IAM role name'],
    [{ roleName: "r".repeat(65) }, "is not a valid IAM role name"],
    [{ path: "/no-trailing-slash" }, 'is not a valid IAM path; it starts and ends with "/"'],
    [{ path: "relative/" }, "is not a valid IAM path"],
    [{ permissionsBoundary: "TerraformBoundary" }, "is not a managed policy ARN"],
    [{ tags: { ManagedBy: "me" } }, "tag ManagedBy is written by this app on every role"],
    [{ tags: { "aws:x": "y" } }, 'uses the prefix "aws:", which AWS reserves'],
    [{ tags: { Owner: "a*b" } }, 'tag value "a*b" is not valid'],
    [{ description: "x".repeat(1001) }, "at most 1000 characters"],
  ])("fail on %j", (options, expected) => {
    expect(problemsOf(withOption(options))).toContain(expected);
  });

  it("fail on more than 50 tags, counting the ones this app writes", () => {
    const tags = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, "v"]));
    // The role also gets ManagedBy, HcpOrganization and HcpWorkspace.
    expect(() => synth(withOption({ tags: tags(47) }))).not.toThrow();
    expect(problemsOf(withOption({ tags: tags(48) }))).toContain(
      "would carry 51 tags (with the ones this app writes); IAM allows 50",
    );
  });

  it("fail when a roleName override takes another role's name", () => {
    const config = {
      hcp: { organization: "acme" },
      aws: { region: "us-east-1" },
      workspaces: [workspace("app"), workspace("web", { roleName: "TFC-ACME-APP" })],
    };
    expect(problemsOf(config)).toContain(
      "workspaces[1]: [unique-role-names] role name TFC-ACME-APP is also the name of the role of workspaces[0] in account default; set roleName on one of them",
    );
  });
});

describe("where the state lives", () => {
  it("is a local file per stack by default", () => {
    const stacks = synthStacks(example("split-roles.yaml"));
    expect(stacks["hcp-aws-trust-default.Networking"]?.terraform?.backend).toEqual({
      local: {
        path: expect.stringMatching(/terraform\.hcp-aws-trust-default\.Networking\.tfstate$/),
      },
    });
  });

  it("is an HCP Terraform workspace per stack with backend cloud", () => {
    const stacks = synthStacks(example("backend-cloud.yaml"));
    expect(stacks["hcp-aws-trust-default.Default-Project-13c060"]?.terraform?.cloud).toEqual({
      hostname: "app.terraform.io",
      organization: "acme-corp",
      // HCP Terraform workspace names hold only letters, digits, "-" and "_": the stack name's "."
      // becomes "_", and a hash of the stack name keeps two stacks from sharing a workspace.
      workspaces: {
        name: "aws-trust-hcp-aws-trust-default_Default-Project-13c060-f35aa470",
        project: "Platform",
      },
    });
    expect(stacks["hcp-aws-trust-default"]?.terraform?.cloud).toMatchObject({
      workspaces: { name: "aws-trust-hcp-aws-trust-default" },
    });
  });

  it("is an S3 object per stack with backend s3", () => {
    const stacks = synthStacks(example("backend-s3.yaml"));
    expect(stacks["hcp-aws-trust-default.Default-Project-13c060"]?.terraform?.backend).toEqual({
      s3: {
        bucket: "acme-terraform-state",
        key: "hcp-aws-trust/hcp-aws-trust-default.Default-Project-13c060.tfstate",
        region: "us-east-1",
        encrypt: true,
        dynamodb_table: "terraform-locks",
      },
    });
  });

  it("uses S3's lock file without a lock table, one key per stack", () => {
    const stacks = synthStacks({
      hcp: { organization: "acme" },
      accounts: { prod: { region: "us-east-1" } },
      backend: { s3: { bucket: "state-bucket", region: "eu-west-1" } },
      workspaces: [workspace("app")],
    });
    expect(stacks["hcp-aws-trust-prod"]?.terraform?.backend).toEqual({
      s3: {
        bucket: "state-bucket",
        key: "hcp-aws-trust/hcp-aws-trust-prod.tfstate",
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(stacks["hcp-aws-trust-prod.any.project"]?.terraform?.backend).toMatchObject({
      s3: { key: "hcp-aws-trust/hcp-aws-trust-prod.any.project.tfstate" },
    });
  });

  it.each([
    [
      { cloud: {}, s3: { bucket: "b-b-b", region: "us-east-1" } },
      "backend: give exactly one of cloud or s3",
    ],
    [{}, "backend: give exactly one of cloud or s3"],
    [
      { s3: { bucket: "Bad_Bucket", region: "us-east-1" } },
      "backend.s3.bucket: is not a valid S3 bucket name",
    ],
  ])("fails on backend %j", (backend, expected) => {
    expect(
      problemsOf({
        hcp: { organization: "acme" },
        aws: { region: "us-east-1" },
        backend,
        workspaces: [workspace("app")],
      }),
    ).toContain(expected);
  });
});

describe("everything in one config", () => {
  it("synthesizes a base stack per account that creates its provider, and a stack per account and project", () => {
    const stacks = synthStacks(example("everything.yaml"));
    expect(Object.keys(stacks).sort()).toEqual([
      "hcp-aws-trust-dev",
      "hcp-aws-trust-dev.Apps",
      "hcp-aws-trust-dev.Platform",
      "hcp-aws-trust-prod",
      "hcp-aws-trust-prod.Networking",
      "hcp-aws-trust-prod.Platform",
      "hcp-aws-trust-shared.Platform",
    ]);
    const roles = Object.values(stacks).flatMap((s) => Object.keys(s.resource?.aws_iam_role ?? {}));
    expect(roles.sort()).toEqual([
      'roles["project_Apps"]',
      'roles["ws_admin-tools"]',
      'roles["ws_apps-new"]',
      'roles["ws_multi"]',
      'roles["ws_multi_tag_DEV_apply"]',
      'roles["ws_multi_tag_DEV_plan"]',
      'roles["ws_multi_tag_SHARED"]',
      'roles["ws_net-prod_apply"]',
      'roles["ws_net-prod_plan"]',
    ]);
  });
});

describe("the examples", () => {
  it("are all valid as shipped", () => {
    for (const name of [
      "split-roles.yaml",
      "project-roles.yaml",
      "accounts.yaml",
      "tagged.yaml",
      "role-options.yaml",
      "backend-cloud.yaml",
      "backend-s3.yaml",
      "everything.yaml",
    ]) {
      expect(() => parseConfig(example(name), name), name).not.toThrow();
    }
    expect(exampleConfig("accounts.yaml").accounts).toBeDefined();
  });
});
