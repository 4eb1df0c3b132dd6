import { describe, expect, it } from "vitest";
import { type StackJson, synthStacks, workspace } from "../helpers/synth";
import { example, problemsOf, READ_ONLY, trustOf, variablesOf } from "./helpers";

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

  describe("customer managed policies of another account", () => {
    const OTHER = "arn:aws:iam::999988887777:policy/X";
    const config = (account: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      hcp: { organization: "acme" },
      accounts: { prod: { region: "us-east-1", ...account } },
      ...extra,
    });

    it.each([
      [
        "attached to a role of a known account",
        config(
          { accountId: "111122223333" },
          { workspaces: [workspace("app", { policyArns: [READ_ONLY, OTHER] })] },
        ),
        `workspaces[0].policyArns[1]: "${OTHER}" is a customer managed policy of account 999988887777, but the role is in account 111122223333 (account "prod"); IAM attaches to a role only AWS managed policies and customer managed policies of the role's own account: use a policy of account 111122223333`,
      ],
      [
        "in a phase of a project, the account known from its reused OIDC provider",
        config(
          { oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/app.terraform.io" },
          {
            projects: [
              { name: "Apps", plan: { policyArns: [READ_ONLY] }, apply: { policyArns: [OTHER] } },
            ],
          },
        ),
        `projects[0].apply.policyArns[0]: "${OTHER}" is a customer managed policy of account 999988887777, but the role is in account 111122223333 (account "prod")`,
      ],
      [
        "as a permissions boundary",
        config(
          { accountId: "111122223333" },
          { workspaces: [workspace("app", { permissionsBoundary: OTHER })] },
        ),
        `workspaces[0].permissionsBoundary: "${OTHER}" is a customer managed policy of account 999988887777, but the role is in account 111122223333 (account "prod"); IAM takes as a role's permissions boundary only an AWS managed policy or a customer managed policy of the role's own account: use a policy of account 111122223333`,
      ],
      [
        "as the default permissions boundary of a role that does not set its own",
        config(
          { accountId: "111122223333" },
          { defaults: { permissionsBoundary: OTHER }, workspaces: [workspace("app")] },
        ),
        `defaults.permissionsBoundary: "${OTHER}" is a customer managed policy of account 999988887777, but the role is in account 111122223333 (account "prod")`,
      ],
    ])("are refused %s, naming the field and both accounts", (_, input, expected) => {
      expect(problemsOf(input)).toContain(expected);
    });

    it.each([
      [
        "of the role's own account",
        config(
          { accountId: "999988887777" },
          { workspaces: [workspace("app", { policyArns: [OTHER], permissionsBoundary: OTHER })] },
        ),
      ],
      [
        "when the role's account ID is not known",
        config({}, { workspaces: [workspace("app", { policyArns: [OTHER] })] }),
      ],
      [
        "as a default boundary that every role of the other account replaces",
        {
          hcp: { organization: "acme" },
          accounts: {
            a: { region: "us-east-1", accountId: "999988887777" },
            b: { region: "us-east-1", accountId: "111122223333" },
          },
          defaults: { permissionsBoundary: OTHER },
          workspaces: [
            workspace("one", { account: "a" }),
            workspace("two", {
              account: "b",
              permissionsBoundary: "arn:aws:iam::111122223333:policy/B",
            }),
          ],
        },
      ],
    ])("are accepted %s", (_, input) => {
      expect(Object.keys(synthStacks(input)).length).toBeGreaterThan(0);
    });
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
