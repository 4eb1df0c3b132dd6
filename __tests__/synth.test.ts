import { describe, expect, it } from "vitest";
import { MAX_ROLE_NAME_LENGTH } from "../lib/role-name";
import { readLiteral } from "../lib/terraform-text";
import {
  baseConfig,
  byStackAddress,
  names,
  resource,
  synth,
  synthStacks,
  workspace,
} from "./helpers/synth";

/** The provider's ARN in the deploying account, from the caller's partition and account. */
const PARTITION_REF = "${data.aws_partition.current.partition}";
const ACCOUNT_REF = "${data.aws_caller_identity.current.account_id}";
const PROVIDER_ARN = `arn:${PARTITION_REF}:iam::${ACCOUNT_REF}:oidc-provider/app.terraform.io`;
const ROLE = 'roles["ws_app-prod"]';

function trustOf(stack: ReturnType<typeof synth>, name: string) {
  return JSON.parse(resource(stack, "aws_iam_role", name).assume_role_policy as string);
}

/** Every `${...}` interpolation in a string. */
function interpolations(text: string): string[] {
  return text.match(/(?<!\$)\$\{[^}]*\}/g) ?? [];
}

describe("the OIDC provider", () => {
  it("is created for https://HOSTNAME with the audience and the thumbprint of the last certificate the host sends", () => {
    const stack = synth(baseConfig());
    expect(stack.data?.tls_certificate?.hcp).toMatchObject({ url: "https://app.terraform.io" });
    expect(resource(stack, "aws_iam_openid_connect_provider", "hcp")).toMatchObject({
      url: "https://app.terraform.io",
      client_id_list: ["aws.workload.identity"],
      thumbprint_list: ["${data.tls_certificate.hcp.certificates[0].sha1_fingerprint}"],
    });
    // Created in the account's base stack; the project stacks derive its ARN from the account
    // they deploy into, without reading the provider (it need not exist when they are planned).
    expect(stack.output?.oidc_provider_arn?.value).toBe(
      "${aws_iam_openid_connect_provider.hcp.arn}",
    );
    expect(stack.data?.aws_iam_openid_connect_provider).toBeUndefined();
    expect(stack.data?.aws_caller_identity?.current).toEqual({ "//": expect.anything() });
    expect(stack.data?.aws_partition?.current).toEqual({ "//": expect.anything() });
    expect(trustOf(stack, ROLE).Statement[0].Principal).toEqual({ Federated: PROVIDER_ARN });
  });

  it("uses a Terraform Enterprise hostname and a custom audience everywhere", () => {
    const stack = synth(
      baseConfig({
        hcp: { organization: "acme", hostname: "tfe.example.com", audience: "tfe.aws" },
      }),
    );
    expect(stack.data?.tls_certificate?.hcp).toMatchObject({ url: "https://tfe.example.com" });
    expect(resource(stack, "aws_iam_openid_connect_provider", "hcp")).toMatchObject({
      url: "https://tfe.example.com",
      client_id_list: ["tfe.aws"],
    });
    expect(stack.provider?.tfe).toEqual([{ hostname: "tfe.example.com" }]);
    const condition = trustOf(stack, ROLE).Statement[0].Condition;
    expect(trustOf(stack, ROLE).Statement[0].Principal).toEqual({
      Federated: `arn:${PARTITION_REF}:iam::${ACCOUNT_REF}:oidc-provider/tfe.example.com`,
    });
    expect(condition).toEqual({
      StringEquals: { "tfe.example.com:aud": "tfe.aws" },
      StringLike: {
        "tfe.example.com:sub":
          "organization:acme:project:Default Project:workspace:app-prod:run_phase:*",
      },
      StringNotLike: { "tfe.example.com:sub": "*:*:*:*:*:*:*:*:*" },
    });
  });

  it("is not created when an existing one is reused; roles trust the given ARN", () => {
    const arn = "arn:aws:iam::111122223333:oidc-provider/app.terraform.io";
    const stack = synth(baseConfig({ aws: { region: "us-east-1", oidcProviderArn: arn } }));
    expect(stack.resource?.aws_iam_openid_connect_provider).toBeUndefined();
    expect(stack.data?.tls_certificate).toBeUndefined();
    expect(stack.provider?.tls).toBeUndefined();
    expect(trustOf(stack, ROLE).Statement[0].Principal).toEqual({ Federated: arn });
    // No base stack: nothing to create there.
    expect(stack.output?.oidc_provider_arn).toBeUndefined();
    expect(stack.data?.aws_iam_openid_connect_provider).toBeUndefined();
    expect(stack.data?.aws_caller_identity).toBeUndefined();
    expect(stack.data?.aws_partition).toBeUndefined();
  });
});

describe("a workspace role", () => {
  it("trusts only its organization, project and workspace, both run phases, and the audience, and no sub of more fields", () => {
    const stack = synth(baseConfig());
    expect(trustOf(stack, ROLE)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: PROVIDER_ARN },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: { "app.terraform.io:aud": "aws.workload.identity" },
            StringLike: {
              "app.terraform.io:sub":
                "organization:acme:project:Default Project:workspace:app-prod:run_phase:*",
            },
            StringNotLike: { "app.terraform.io:sub": "*:*:*:*:*:*:*:*:*" },
          },
        },
      ],
    });
  });

  it("matches any project when none is given", () => {
    const stack = synth(baseConfig({ workspaces: [workspace("sandbox")] }));
    expect(trustOf(stack, 'roles["ws_sandbox"]').Statement[0].Condition.StringLike).toEqual({
      "app.terraform.io:sub": "organization:acme:project:*:workspace:sandbox:run_phase:*",
    });
  });

  it("has a literal trust policy whose only interpolations are the account and partition of the provider ARN", () => {
    const stack = synth(baseConfig());
    const policy = resource(stack, "aws_iam_role", ROLE).assume_role_policy as string;
    expect(typeof policy).toBe("string");
    expect(interpolations(policy)).toEqual([PARTITION_REF, ACCOUNT_REF]);
  });

  it("has a literal trust policy with no interpolation at all when the provider is reused", () => {
    const stack = synth(
      baseConfig({
        aws: {
          region: "us-east-1",
          oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/app.terraform.io",
        },
      }),
    );
    expect(
      interpolations(resource(stack, "aws_iam_role", ROLE).assume_role_policy as string),
    ).toEqual([]);
  });

  it("is named tfc-ORG-WORKSPACE, tagged and described as managed here", () => {
    const role = resource(synth(baseConfig()), "aws_iam_role", ROLE);
    expect(role.name).toBe("tfc-acme-app-prod");
    expect(role.tags).toEqual({
      ManagedBy: "hcp-aws-trust",
      HcpOrganization: "acme",
      HcpProject: "Default Project",
      HcpWorkspace: "app-prod",
    });
    expect(role.description).toContain("Managed by hcp-aws-trust");
  });

  it("gets a name of at most 64 characters, cut with a stable hash, for long workspace names", () => {
    const long = `app-${"x".repeat(86)}`;
    const config = baseConfig({
      hcp: { organization: "acme-corporation" },
      workspaces: [workspace(long)],
    });
    const first = resource(synth(config), "aws_iam_role", `roles["ws_${long}"]`).name as string;
    const second = resource(synth(config), "aws_iam_role", `roles["ws_${long}"]`).name as string;
    expect(first).toHaveLength(MAX_ROLE_NAME_LENGTH);
    expect(first).toMatch(/^tfc-acme-corporation-app-x+-[0-9a-f]{8}$/);
    expect(second).toBe(first);
    expect(first).not.toMatch(/\s/);
  });

  it("gets one policy attachment per managed policy", () => {
    const stack = synth(
      baseConfig({
        workspaces: [
          workspace("app", {
            policyArns: [
              "arn:aws:iam::aws:policy/ReadOnlyAccess",
              "arn:aws:iam::123456789012:policy/deploy/App.Deploy",
            ],
          }),
        ],
      }),
    );
    const attachments = stack.resource?.aws_iam_role_policy_attachment ?? {};
    expect(attachments['attachments["ws_app_ReadOnlyAccess"]']).toMatchObject({
      role: '${aws_iam_role.roles["ws_app"].name}',
      policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
    });
    const [customer] = Object.keys(attachments).filter(
      (name) => name !== 'attachments["ws_app_ReadOnlyAccess"]',
    );
    expect(Object.keys(attachments)).toHaveLength(2);
    expect(customer).toMatch(/^attachments\["ws_app_123456789012_App_Deploy_[0-9a-f]{8}"\]$/);
    expect(attachments[customer ?? ""]).toMatchObject({
      role: '${aws_iam_role.roles["ws_app"].name}',
      policy_arn: "arn:aws:iam::123456789012:policy/deploy/App.Deploy",
    });
    expect(stack.resource?.aws_iam_role_policy).toBeUndefined();
  });

  it("gets its inline policy with IAM policy variables passed through, not interpolated", () => {
    const inlinePolicy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::bucket/${aws:PrincipalTag/HcpWorkspace}/*",
        },
      ],
    };
    const stack = synth(
      baseConfig({ workspaces: [workspace("app", { policyArns: [], inlinePolicy })] }),
    );
    const inline = resource(stack, "aws_iam_role_policy", 'inline["ws_app"]');
    expect(inline.role).toBe('${aws_iam_role.roles["ws_app"].name}');
    const policy = inline.policy as string;
    expect(interpolations(policy)).toEqual([]);
    // Terraform reads `$${` as a literal `${`: what AWS receives is the document as written.
    expect(JSON.parse(readLiteral(policy))).toEqual(inlinePolicy);
    expect(stack.resource?.aws_iam_role_policy_attachment).toBeUndefined();
  });
});

describe("the workspace variables", () => {
  it("look each workspace up on its own, by name and organization, one data source instance per workspace", () => {
    const stack = synth(baseConfig({ workspaces: [workspace("b"), workspace("a")] }));
    expect(stack.data?.tfe_workspace_ids).toBeUndefined();
    expect(Object.keys(stack.data?.tfe_workspace ?? {})).toEqual([
      'workspaces["a"]',
      'workspaces["b"]',
    ]);
    for (const name of ["a", "b"]) {
      expect(stack.data?.tfe_workspace?.[`workspaces["${name}"]`]).toMatchObject({
        name,
        organization: "acme",
      });
    }
  });

  it("fail the plan when a looked-up workspace is not in its configured project any more", () => {
    const stack = synth(
      baseConfig({ workspaces: [workspace("in-project", { project: "Apps" }), workspace("free")] }),
    );
    const lookup = (name: string) =>
      stack.data?.tfe_workspace?.[`workspaces["${name}"]`] as {
        lifecycle: { postcondition: { condition: string; error_message: string }[] };
      };
    const project = 'data.tfe_project.projects["project_Apps"].id';
    const [check] = lookup("in-project").lifecycle.postcondition;
    expect(check?.condition).toBe(`\${(${project}) == null || self.project_id == (${project})}`);
    expect(check?.error_message).toContain(
      'Workspace "in-project" is not in project "Apps" any more',
    );
    expect(stack.data?.tfe_project?.['projects["project_Apps"]']).toMatchObject({
      name: "Apps",
      organization: "acme",
    });
    // Without a project in the config, any project is fine: the condition holds on null.
    const [free] = lookup("free").lifecycle.postcondition;
    expect(free?.condition).toBe("${null == null || self.project_id == null}");
  });

  it("turn on dynamic credentials and point at the role, as env variables described as managed here", () => {
    const stack = synth(baseConfig());
    const variables = stack.resource?.tfe_variable ?? {};
    expect(Object.keys(variables).sort()).toEqual([
      'variables["ws_app-prod_TFC_AWS_PROVIDER_AUTH"]',
      'variables["ws_app-prod_TFC_AWS_RUN_ROLE_ARN"]',
    ]);
    expect(variables['variables["ws_app-prod_TFC_AWS_PROVIDER_AUTH"]']).toMatchObject({
      key: "TFC_AWS_PROVIDER_AUTH",
      value: "true",
      category: "env",
      workspace_id: '${data.tfe_workspace.workspaces["app-prod"].id}',
      variable_set_id: null,
    });
    expect(variables['variables["ws_app-prod_TFC_AWS_RUN_ROLE_ARN"]']).toMatchObject({
      key: "TFC_AWS_RUN_ROLE_ARN",
      value: '${aws_iam_role.roles["ws_app-prod"].arn}',
      category: "env",
      workspace_id: '${data.tfe_workspace.workspaces["app-prod"].id}',
      variable_set_id: null,
    });
    for (const variable of Object.values(variables)) {
      expect(variable.description).toContain("Managed by hcp-aws-trust");
      expect(variable.sensitive).toBeUndefined();
    }
  });

  it("set the audience only when it is not the default", () => {
    const custom = synth(baseConfig({ hcp: { organization: "acme", audience: "tfe.aws" } }));
    expect(
      custom.resource?.tfe_variable?.[
        'variables["ws_app-prod_TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE"]'
      ],
    ).toMatchObject({
      key: "TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE",
      value: "tfe.aws",
      category: "env",
    });
    const explicitDefault = synth(
      baseConfig({ hcp: { organization: "acme", audience: "aws.workload.identity" } }),
    );
    expect(names(explicitDefault, "tfe_variable")).toEqual([
      'variables["ws_app-prod_TFC_AWS_PROVIDER_AUTH"]',
      'variables["ws_app-prod_TFC_AWS_RUN_ROLE_ARN"]',
    ]);
  });
});

describe("providers and outputs", () => {
  it("configure aws with the region and tfe with the hostname, and never a token", () => {
    const stack = synth(baseConfig({ aws: { region: "eu-west-1" } }));
    expect(stack.provider?.aws).toEqual([{ region: "eu-west-1" }]);
    expect(stack.provider?.tfe).toEqual([{ hostname: "app.terraform.io" }]);
    expect(stack.provider?.tls).toEqual([{}]);
    expect(JSON.stringify(stack.provider)).not.toMatch(/token/i);
  });

  it("output each role's ARN, in one map", () => {
    const stack = synth(baseConfig({ workspaces: [workspace("a"), workspace("b")] }));
    expect(stack.output?.role_arns?.value).toEqual({
      ws_a: '${aws_iam_role.roles["ws_a"].arn}',
      ws_b: '${aws_iam_role.roles["ws_b"].arn}',
    });
  });
});

describe("addresses", () => {
  const three = [
    workspace("alpha", { project: "Default Project" }),
    workspace("beta", {
      policyArns: [
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::aws:policy/AmazonS3FullAccess",
      ],
    }),
    workspace("gamma", {
      policyArns: [],
      inlinePolicy: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }],
      },
    }),
  ];

  /** Every element of every stack, by `STACK ADDRESS`. */
  const elements = (workspaces: unknown[]) =>
    byStackAddress(synthStacks(baseConfig({ workspaces })));

  /** Whether an element belongs to one workspace: keyed `ws_NAME…`, or its lookup `workspaces["NAME"]`. */
  const isOf = (key: string, name: string) =>
    key.includes(`["ws_${name}`) || key.endsWith(` data.tfe_workspace.workspaces["${name}"]`);

  /** The elements that belong to one workspace. */
  function elementsOf(all: Map<string, unknown>, name: string): string[] {
    return [...all.keys()].filter((key) => isOf(key, name)).sort();
  }

  /** The element shared by the workspaces of a stack: its map of role ARNs. */
  const isShared = (key: string) => key.endsWith(" output.role_arns");

  it("derive from workspace names, in the stack of the workspace's account and project", () => {
    expect(elementsOf(elements(three), "alpha")).toEqual([
      'hcp-aws-trust-default.Default-Project-13c060 aws_iam_role.roles["ws_alpha"]',
      'hcp-aws-trust-default.Default-Project-13c060 aws_iam_role_policy_attachment.attachments["ws_alpha_ReadOnlyAccess"]',
      'hcp-aws-trust-default.Default-Project-13c060 data.tfe_workspace.workspaces["alpha"]',
      'hcp-aws-trust-default.Default-Project-13c060 tfe_variable.variables["ws_alpha_TFC_AWS_PROVIDER_AUTH"]',
      'hcp-aws-trust-default.Default-Project-13c060 tfe_variable.variables["ws_alpha_TFC_AWS_RUN_ROLE_ARN"]',
    ]);
  });

  it("and the JSON of every element stay the same when the workspaces are reordered", () => {
    expect(elements([...three].reverse())).toEqual(elements(three));
  });

  it("and the JSON of every other element stay the same when a workspace is added", () => {
    const before = elements(three);
    const after = elements([three[0], workspace("delta"), ...three.slice(1)]);
    const added = [...after.keys()].filter((key) => !before.has(key));
    expect(added.length).toBeGreaterThan(0);
    expect(added.sort()).toEqual(elementsOf(after, "delta"));
    for (const [key, body] of before) {
      if (!isShared(key)) expect(after.get(key), key).toEqual(body);
    }
  });

  it("of the other workspaces stay the same when one is removed; only its elements go", () => {
    const before = elements(three);
    const after = elements([three[0], three[2]]);
    const removed = [...before.keys()].filter((key) => !after.has(key));
    expect(removed.sort()).toEqual(elementsOf(before, "beta"));
    for (const [key, body] of after) {
      if (!isShared(key)) expect(body, key).toEqual(before.get(key));
    }
  });
});
