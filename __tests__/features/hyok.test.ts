/**
 * Hold-your-own-key configurations (`hyok:`), end to end: config, plan, role (trust and KMS
 * permissions, proven with the IAM simulator), HCP Terraform side, guards, report.
 * https://developer.hashicorp.com/terraform/cloud-docs/hold-your-own-key/configure
 */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { apiCost } from "../../lib/api-cost";
import { ConfigError, parseConfig } from "../../lib/config/load";
import { evaluateIdentity } from "../../lib/iam/simulator";
import { planTrust } from "../../lib/plan";
import { lockOf } from "../../lib/plan/lock";
import { RESOURCES } from "../../lib/plan/members";
import { reportMarkdown } from "../../lib/report/markdown";
import { buildReport } from "../../lib/report/model";
import { checkRules } from "../../lib/rules/engine";
import { decide } from "../helpers/evaluate";
import { synthRoles, synthStacks, synthStacksRaw } from "../helpers/synth";
import { hyokClaims, moduleTestClaims, runClaims, stackClaims } from "../helpers/tokens";

const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const OTHER_KEY = "arn:aws:kms:us-east-1:111122223333:key/9999abcd-12ab-34cd-56ef-1234567890ab";
const READ = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hcp: { organization: "acme" },
    accounts: {
      security: { region: "us-east-1", accountId: "111122223333" },
      prod: { region: "eu-west-1", accountId: "444455556666" },
    },
    workspaces: [{ name: "app", project: "Apps", account: "prod", policyArns: READ }],
    hyok: [
      { name: "primary", account: "security", kmsKey: KEY, agentPool: "hyok-agents" },
      {
        name: "eu",
        account: "prod",
        kmsKey: "alias/hyok-kek",
        region: "eu-west-1",
        agentPool: "hyok-agents-eu",
      },
    ],
    ...overrides,
  };
}

const plan = (data: Record<string, unknown>, previous?: ReturnType<typeof lockOf>) =>
  planTrust(parseConfig(stringify(data)), previous);

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("the config was accepted");
}

/** The default key policy: the account's IAM policies decide who uses the key. */
const defaultKeyPolicy = (account: string) => ({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "EnableIAMPolicies",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ],
});

describe("a HYOK configuration", () => {
  it("gets a role in the entry's account, in that account's stack for no project", () => {
    const placed = plan(config()).stacks.flatMap((stack) =>
      stack.roles.filter((r) => r.owner.kind === "hyok").map((r) => [stack.name, r.key, r.arn]),
    );
    expect(placed).toEqual([
      [
        "hcp-aws-trust-security.any.project",
        "hyok_primary",
        "arn:aws:iam::111122223333:role/tfc-acme-hyok-primary",
      ],
      [
        "hcp-aws-trust-prod.any.project",
        "hyok_eu",
        "arn:aws:iam::444455556666:role/tfc-acme-hyok-eu",
      ],
    ]);
  });

  it("is trusted by its exact sub, no wildcard, and tagged with its name", () => {
    const role = plan(config()).roles.find((r) => r.key === "hyok_primary");
    expect(role?.subject).toBe("organization:acme:hyok_config:primary");
    expect(role?.tags).toMatchObject({ HcpHyokConfiguration: "primary", HcpOrganization: "acme" });
    expect(role?.policyArns).toEqual([]);
  });

  it("gets no HCP Terraform variables", () => {
    expect(plan(config({ workspaces: undefined })).targets).toEqual([]);
  });

  it("takes role options as other entries do", () => {
    const data = config();
    (data.hyok as Record<string, unknown>[])[0] = {
      ...(data.hyok as Record<string, unknown>[])[0],
      roleName: "hyok-kek-user",
      path: "/hcp/",
      maxSessionDuration: 7200,
      tags: { Team: "security" },
      description: "The HYOK agent's key user",
    };
    const role = plan(data).roles.find((r) => r.key === "hyok_primary");
    expect(role).toMatchObject({
      roleName: "hyok-kek-user",
      iamPath: "/hcp/",
      maxSessionDuration: 7200,
      description: "The HYOK agent's key user",
      arn: "arn:aws:iam::111122223333:role/hcp/hyok-kek-user",
    });
    expect(role?.tags.Team).toBe("security");
  });
});

describe("a HYOK role's trust, in the IAM simulator", () => {
  const roles = synthRoles(stringify(config()));
  const role = roles.find((r) => r.address === 'aws_iam_role.roles["hyok_primary"]');
  if (role === undefined) throw new Error("no HYOK role");

  it("admits its configuration's tokens", () => {
    expect(decide(role, hyokClaims("acme", "primary"))).toBe("Allowed");
  });

  it.each([
    ["another configuration", hyokClaims("acme", "eu")],
    ["a longer name", hyokClaims("acme", "primary-2")],
    ["a shorter name", hyokClaims("acme", "primar")],
    ["the name in another case", hyokClaims("acme", "Primary")],
    ["another organization", hyokClaims("acme2", "primary")],
    ["another issuer", hyokClaims("acme", "primary", "tfe.example.com")],
    ["another audience", hyokClaims("acme", "primary", "app.terraform.io", "sts.amazonaws.com")],
    [
      "a workspace run named like it",
      runClaims({ organization: "acme", project: "primary", workspace: "primary", phase: "plan" }),
    ],
    [
      "a Stack deployment named like it",
      stackClaims({
        organization: "acme",
        project: "primary",
        stack: "primary",
        deployment: "primary",
        operation: "apply",
      }),
    ],
    ["a module test run named like it", moduleTestClaims("acme", "primary")],
  ])("refuses %s", (_, claims) => {
    expect(decide(role, claims)).toBe("ImplicitlyDenied");
  });

  it("is refused to workspace roles, whatever their names", () => {
    const data = config({
      workspaces: [{ name: "primary", account: "security", policyArns: READ }],
      projects: [{ name: "hyok_config", account: "security", policyArns: READ }],
    });
    const others = synthRoles(stringify(data)).filter((r) => !r.address.includes('["hyok_'));
    expect(others.length).toBe(2);
    for (const other of others)
      expect(decide(other, hyokClaims("acme", "primary"))).toBe("ImplicitlyDenied");
  });
});

describe("a HYOK role's permissions", () => {
  const policyOf = (key: string) =>
    plan(config()).roles.find((r) => r.key === key)?.inlinePolicy as Record<string, unknown>;

  it("are the listed KMS actions on the key ARN, in one inline policy", () => {
    const policy = policyOf("hyok_primary");
    expect(policy).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "HyokKeyEncryptionKey",
          Effect: "Allow",
          Action: ["kms:Encrypt", "kms:Decrypt"],
          Resource: KEY,
        },
      ],
    });
    const arn = "arn:aws:iam::111122223333:role/tfc-acme-hyok-primary";
    const use = (action: string, resource = KEY) =>
      evaluateIdentity(policy, defaultKeyPolicy("111122223333"), {
        roleArn: arn,
        action,
        resource,
      });
    expect(use("kms:Encrypt")).toBe("Allowed");
    expect(use("kms:Decrypt")).toBe("Allowed");
    expect(use("kms:Encrypt", OTHER_KEY)).toBe("ImplicitlyDenied");
    for (const action of ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:ReEncryptFrom"])
      expect(use(action)).toBe("ImplicitlyDenied");
  });

  it("for an alias, are granted on the account's keys in its region that carry the alias", () => {
    const policy = policyOf("hyok_eu");
    expect(policy.Statement).toEqual([
      {
        Sid: "HyokKeyEncryptionKey",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt"],
        Resource: "arn:aws:kms:eu-west-1:444455556666:key/*",
        Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/hyok-kek" } },
      },
    ]);
    const arn = "arn:aws:iam::444455556666:role/tfc-acme-hyok-eu";
    const key = "arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const use = (action: string, aliases: string[], resource = key) =>
      evaluateIdentity(policy, defaultKeyPolicy("444455556666"), {
        roleArn: arn,
        action,
        resource,
        context: { "kms:ResourceAliases": aliases },
      });
    expect(use("kms:Encrypt", ["alias/hyok-kek"])).toBe("Allowed");
    expect(use("kms:Decrypt", ["alias/other", "alias/hyok-kek"])).toBe("Allowed");
    expect(use("kms:Encrypt", ["alias/other"])).toBe("ImplicitlyDenied");
    expect(use("kms:Encrypt", [])).toBe("ImplicitlyDenied");
    expect(use("kms:ScheduleKeyDeletion", ["alias/hyok-kek"])).toBe("ImplicitlyDenied");
    const otherRegion = key.replace("eu-west-1", "us-east-1");
    expect(use("kms:Encrypt", ["alias/hyok-kek"], otherRegion)).toBe("ImplicitlyDenied");
  });

  it("follow kmsActions when listed", () => {
    const data = config();
    (data.hyok as Record<string, unknown>[])[0] = {
      ...(data.hyok as Record<string, unknown>[])[0],
      kmsActions: ["kms:Decrypt"],
    };
    const role = plan(data).roles.find((r) => r.key === "hyok_primary");
    expect(role?.inlinePolicy?.Statement).toEqual([
      expect.objectContaining({ Action: ["kms:Decrypt"], Resource: KEY }),
    ]);
  });
});

describe("a HYOK configuration's HCP Terraform side", () => {
  const stacks = synthStacksRaw(stringify(config()));
  const json = stacks["hcp-aws-trust-security.any.project"];

  it("is an AWS OIDC configuration naming the role, and the HYOK configuration, in the role's stack", () => {
    expect(json?.resource?.tfe_aws_oidc_configuration?.hyok).toMatchObject({
      organization: "acme",
      role_arn: "${each.value.role_arn}",
      for_each: { hyok_primary: { role_arn: '${aws_iam_role.roles["hyok_primary"].arn}' } },
    });
    expect(json?.data?.tfe_agent_pool?.hyok).toMatchObject({
      organization: "acme",
      for_each: { hyok_primary: { name: "hyok-agents" } },
    });
    expect(json?.resource?.tfe_hyok_configuration?.hyok).toMatchObject({
      organization: "acme",
      name: "${each.value.name}",
      kek_id: "${each.value.kek_id}",
      kms_options: { key_region: "${each.value.key_region}" },
      oidc_configuration_type: "aws",
      oidc_configuration_id: "${each.value.oidc_configuration_id}",
      agent_pool_id: "${each.value.agent_pool_id}",
      lifecycle: { prevent_destroy: true },
      depends_on: ["aws_iam_role_policy.inline"],
      for_each: {
        hyok_primary: {
          name: "primary",
          kek_id: KEY,
          key_region: "us-east-1",
          oidc_configuration_id: '${tfe_aws_oidc_configuration.hyok["hyok_primary"].id}',
          agent_pool_id: '${data.tfe_agent_pool.hyok["hyok_primary"].id}',
        },
      },
    });
    expect(
      stacks["hcp-aws-trust-prod.any.project"]?.resource?.tfe_hyok_configuration?.hyok,
    ).toMatchObject({
      for_each: {
        hyok_eu: expect.objectContaining({
          name: "eu",
          kek_id: "alias/hyok-kek",
          key_region: "eu-west-1",
        }),
      },
    });
  });

  it("never sets primary: tfe_hyok_configuration has no such argument", () => {
    expect(JSON.stringify(json)).not.toContain('primary":true');
    expect(json?.resource?.tfe_hyok_configuration?.hyok).not.toHaveProperty("primary");
  });

  it("is recorded in the lock, and the stack keeps guarding once the entry is gone", () => {
    const before = plan(config());
    const lock = lockOf(before);
    expect(lock.stacks["hcp-aws-trust-security.any.project"]).toMatchObject({
      guardsHyok: true,
      members: {
        [RESOURCES.hyokConfiguration]: { hyok_primary: "hyok:primary" },
        [RESOURCES.hyokOidcConfiguration]: { hyok_primary: "hyok:primary" },
      },
    });
    const without = config({ hyok: [(config().hyok as unknown[])[1]] });
    const after = plan(without, lock);
    const stack = after.stacks.find((s) => s.name === "hcp-aws-trust-security.any.project");
    expect(stack).toMatchObject({ guardsHyok: true, roles: [] });
    const raw = synthStacksRaw(stringify(without), lock)["hcp-aws-trust-security.any.project"];
    // The block stays, empty: Terraform's prevent_destroy then refuses to destroy the instance.
    expect(raw?.resource?.tfe_hyok_configuration?.hyok).toMatchObject({
      for_each: {},
      lifecycle: { prevent_destroy: true },
    });
    expect(lockOf(after).stacks["hcp-aws-trust-security.any.project"]?.guardsHyok).toBe(true);
  });

  it("once retired, is forgotten (never destroyed) while its role goes", () => {
    const lock = lockOf(plan(config()));
    const data = config();
    (data.hyok as Record<string, unknown>[])[0] = {
      ...(data.hyok as Record<string, unknown>[])[0],
      retired: true,
    };
    const after = plan(data, lock);
    expect(after.roles.map((r) => r.key)).not.toContain("hyok_primary");
    const raw = synthStacksRaw(stringify(data), lock)["hcp-aws-trust-security.any.project"] as
      | (Record<string, unknown> & { moved?: unknown; removed?: unknown })
      | undefined;
    expect(raw?.moved).toEqual([
      {
        from: 'tfe_hyok_configuration.hyok["hyok_primary"]',
        to: "tfe_hyok_configuration.departed_hyok_hyok_primary",
      },
      {
        from: 'tfe_aws_oidc_configuration.hyok["hyok_primary"]',
        to: "tfe_aws_oidc_configuration.departed_hyok_hyok_primary",
      },
    ]);
    expect(raw?.removed).toEqual([
      {
        from: "tfe_hyok_configuration.departed_hyok_hyok_primary",
        lifecycle: [{ destroy: false }],
      },
      {
        from: "tfe_aws_oidc_configuration.departed_hyok_hyok_primary",
        lifecycle: [{ destroy: false }],
      },
    ]);
  });

  it("never moves to another stack: a change of account is refused", () => {
    const lock = lockOf(plan(config()));
    const data = config();
    (data.hyok as Record<string, unknown>[])[0] = {
      ...(data.hyok as Record<string, unknown>[])[0],
      account: "prod",
    };
    expect(refusal(() => plan(data, lock))).toContain(
      "HYOK configuration primary would move from stack hcp-aws-trust-security.any.project to hcp-aws-trust-prod.any.project",
    );
  });
});

describe("HYOK entries in the config", () => {
  const refused = (data: Record<string, unknown>) => refusal(() => plan(data));
  const entry = (extra: Record<string, unknown>) =>
    config({
      hyok: [{ name: "primary", account: "security", agentPool: "p", kmsKey: KEY, ...extra }],
    });

  it.each([
    [
      "on Terraform Enterprise",
      config({ hcp: { organization: "acme", hostname: "tfe.example.com" } }),
      "hold your own key is an HCP Terraform feature",
    ],
    [
      "with another audience",
      config({ hcp: { organization: "acme", audience: "custom" } }),
      'carry the audience "aws.workload.identity"',
    ],
    ["a name with a dot", entry({ name: "a.b" }), "letters, digits, '-' and '_'"],
    ["a name with ':'", entry({ name: "a:b" }), "letters, digits, '-' and '_'"],
    ["a name with '*'", entry({ name: "a*" }), "letters, digits, '-' and '_'"],
    ["a key that is not one", entry({ kmsKey: "1234abcd" }), "is not a KMS key"],
    ["an alias without region", entry({ kmsKey: "alias/x" }), "give the key's region"],
    [
      "a region that is not the key's",
      entry({ region: "eu-west-1" }),
      "differs from the region of kmsKey",
    ],
    ["an AWS managed key", entry({ kmsKey: "alias/aws/s3", region: "us-east-1" }), "AWS managed"],
    [
      "an action that is not KMS's",
      entry({ kmsActions: ["s3:GetObject"] }),
      "not an AWS KMS action",
    ],
    ["an action twice", entry({ kmsActions: ["kms:Encrypt", "kms:Encrypt"] }), "listed twice"],
    ["no actions", entry({ kmsActions: [] }), "kmsActions is empty"],
    ["primary", entry({ primary: true }), "primary"],
    ["an unknown account", entry({ account: "nope" }), "is not an account of this config"],
    [
      "the same name twice",
      config({
        hyok: [
          { name: "primary", account: "security", agentPool: "p", kmsKey: KEY },
          { name: "Primary", account: "prod", agentPool: "p", kmsKey: KEY },
        ],
      }),
      "listed twice",
    ],
    [
      "an alias of an account whose ID is unknown",
      config({
        accounts: { security: { region: "us-east-1" } },
        workspaces: undefined,
        hyok: [
          {
            name: "p",
            account: "security",
            agentPool: "p",
            kmsKey: "alias/x",
            region: "us-east-1",
          },
        ],
      }),
      "set accountId on that account or give the alias ARN",
    ],
  ])("refuses %s", (_, data, message) => {
    expect(refused(data)).toContain(message);
  });

  it("passes every safety rule, without warnings", () => {
    const { errors, warnings } = checkRules(parseConfig(stringify(config())));
    expect([...errors, ...warnings]).toEqual([]);
  });

  it("cost one API call per agent pool lookup, OIDC and HYOK configuration in a plan", () => {
    const stacks = Object.values(synthStacks(stringify(config({ workspaces: undefined }))));
    // Two stacks with HYOK (the provider's two calls each), three elements each.
    expect(apiCost(stacks, { workspacesPerProject: 0, organizationWorkspaces: 0 })).toEqual({
      calls: 2 * (2 + 3),
      elements: 6,
    });
  });

  it("accepts a config with HYOK entries only", () => {
    expect(plan(config({ workspaces: undefined })).roles.length).toBe(2);
  });
});

describe("the report", () => {
  it("has a HYOK section with each configuration's key, pool, role and stack", () => {
    const markdown = reportMarkdown(buildReport(plan(config())));
    expect(markdown).toContain("## HYOK configurations");
    expect(markdown).toContain(
      "| primary | hyok-agents | `arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab` | `us-east-1` | kms:Encrypt, kms:Decrypt |",
    );
    expect(markdown).toContain(
      "arn:aws:kms:eu-west-1:444455556666:key/* with alias alias/hyok-kek | `tfc-acme-hyok-eu` | `hcp-aws-trust-prod.any.project` |",
    );
    expect(markdown).toContain(
      "| agents of HYOK configuration primary | HYOK configuration tokens only | key use |",
    );
  });
});
