import { describe, expect, it } from "vitest";
import { MAX_ROLE_NAME_LENGTH } from "../lib/role-name";
import { unescapeTemplate } from "../lib/trust-policy";
import { baseConfig, byAddress, names, resource, synth, workspace } from "./helpers/synth";

const PROVIDER_REF = "${aws_iam_openid_connect_provider.hcp.arn}";

function trustOf(stack: ReturnType<typeof synth>, name: string) {
  return JSON.parse(resource(stack, "aws_iam_role", name).assume_role_policy as string);
}

/** Every `${...}` interpolation in a string. */
function interpolations(text: string): string[] {
  return text.match(/(?<!\$)\$\{[^}]*\}/g) ?? [];
}

describe("the OIDC provider", () => {
  it("is created for https://HOSTNAME with the audience and the root certificate's thumbprint", () => {
    const stack = synth(baseConfig());
    expect(stack.data?.tls_certificate?.hcp).toMatchObject({ url: "https://app.terraform.io" });
    expect(resource(stack, "aws_iam_openid_connect_provider", "hcp")).toMatchObject({
      url: "https://app.terraform.io",
      client_id_list: ["aws.workload.identity"],
      thumbprint_list: ["${data.tls_certificate.hcp.certificates[0].sha1_fingerprint}"],
    });
    expect(stack.output?.oidc_provider_arn?.value).toBe(PROVIDER_REF);
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
    const condition = trustOf(stack, "ws_app-prod").Statement[0].Condition;
    expect(condition).toEqual({
      StringEquals: { "tfe.example.com:aud": "tfe.aws" },
      StringLike: {
        "tfe.example.com:sub":
          "organization:acme:project:Default Project:workspace:app-prod:run_phase:*",
      },
    });
  });

  it("is not created when an existing one is reused; roles trust the given ARN", () => {
    const arn = "arn:aws:iam::111122223333:oidc-provider/app.terraform.io";
    const stack = synth(baseConfig({ aws: { region: "us-east-1", oidcProviderArn: arn } }));
    expect(stack.resource?.aws_iam_openid_connect_provider).toBeUndefined();
    expect(stack.data?.tls_certificate).toBeUndefined();
    expect(stack.provider?.tls).toBeUndefined();
    expect(trustOf(stack, "ws_app-prod").Statement[0].Principal).toEqual({ Federated: arn });
    expect(stack.output?.oidc_provider_arn?.value).toBe(arn);
  });
});

describe("a workspace role", () => {
  it("trusts only its organization, project and workspace, both run phases, and the audience", () => {
    const stack = synth(baseConfig());
    expect(trustOf(stack, "ws_app-prod")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: PROVIDER_REF },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: { "app.terraform.io:aud": "aws.workload.identity" },
            StringLike: {
              "app.terraform.io:sub":
                "organization:acme:project:Default Project:workspace:app-prod:run_phase:*",
            },
          },
        },
      ],
    });
  });

  it("matches any project when none is given", () => {
    const stack = synth(baseConfig({ workspaces: [workspace("sandbox")] }));
    expect(trustOf(stack, "ws_sandbox").Statement[0].Condition.StringLike).toEqual({
      "app.terraform.io:sub": "organization:acme:project:*:workspace:sandbox:run_phase:*",
    });
  });

  it("has a literal trust policy whose only interpolation is the provider ARN", () => {
    const stack = synth(baseConfig());
    const policy = resource(stack, "aws_iam_role", "ws_app-prod").assume_role_policy as string;
    expect(typeof policy).toBe("string");
    expect(interpolations(policy)).toEqual([PROVIDER_REF]);
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
      interpolations(resource(stack, "aws_iam_role", "ws_app-prod").assume_role_policy as string),
    ).toEqual([]);
  });

  it("is named tfc-ORG-WORKSPACE, tagged and described as managed here", () => {
    const role = resource(synth(baseConfig()), "aws_iam_role", "ws_app-prod");
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
    const first = resource(synth(config), "aws_iam_role", `ws_${long}`).name as string;
    const second = resource(synth(config), "aws_iam_role", `ws_${long}`).name as string;
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
    expect(attachments.ws_app_ReadOnlyAccess).toMatchObject({
      role: "${aws_iam_role.ws_app.name}",
      policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
    });
    const [customer] = Object.keys(attachments).filter((name) => name !== "ws_app_ReadOnlyAccess");
    expect(Object.keys(attachments)).toHaveLength(2);
    expect(customer).toMatch(/^ws_app_123456789012_App_Deploy_[0-9a-f]{8}$/);
    expect(attachments[customer ?? ""]).toMatchObject({
      role: "${aws_iam_role.ws_app.name}",
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
    const inline = resource(stack, "aws_iam_role_policy", "ws_app");
    expect(inline.role).toBe("${aws_iam_role.ws_app.name}");
    const policy = inline.policy as string;
    expect(interpolations(policy)).toEqual([]);
    // Terraform reads `$${` as a literal `${`: what AWS receives is the document as written.
    expect(JSON.parse(unescapeTemplate(policy))).toEqual(inlinePolicy);
    expect(stack.resource?.aws_iam_role_policy_attachment).toBeUndefined();
  });
});

describe("the workspace variables", () => {
  it("look the workspaces up by name and organization, all in one data source", () => {
    const stack = synth(baseConfig({ workspaces: [workspace("b"), workspace("a")] }));
    expect(stack.data?.tfe_workspace_ids).toEqual({
      workspaces: expect.objectContaining({ names: ["a", "b"], organization: "acme" }),
    });
  });

  it("turn on dynamic credentials and point at the role, as env variables described as managed here", () => {
    const stack = synth(baseConfig());
    const variables = stack.resource?.tfe_variable ?? {};
    expect(Object.keys(variables).sort()).toEqual([
      "ws_app-prod_TFC_AWS_PROVIDER_AUTH",
      "ws_app-prod_TFC_AWS_RUN_ROLE_ARN",
    ]);
    expect(variables["ws_app-prod_TFC_AWS_PROVIDER_AUTH"]).toMatchObject({
      key: "TFC_AWS_PROVIDER_AUTH",
      value: "true",
      category: "env",
      workspace_id: '${data.tfe_workspace_ids.workspaces.ids["app-prod"]}',
    });
    expect(variables["ws_app-prod_TFC_AWS_RUN_ROLE_ARN"]).toMatchObject({
      key: "TFC_AWS_RUN_ROLE_ARN",
      value: "${aws_iam_role.ws_app-prod.arn}",
      category: "env",
      workspace_id: '${data.tfe_workspace_ids.workspaces.ids["app-prod"]}',
    });
    for (const variable of Object.values(variables)) {
      expect(variable.description).toContain("Managed by hcp-aws-trust");
      expect(variable.sensitive).toBeUndefined();
    }
  });

  it("set the audience only when it is not the default", () => {
    const custom = synth(baseConfig({ hcp: { organization: "acme", audience: "tfe.aws" } }));
    expect(
      custom.resource?.tfe_variable?.["ws_app-prod_TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE"],
    ).toMatchObject({
      key: "TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE",
      value: "tfe.aws",
      category: "env",
    });
    const explicitDefault = synth(
      baseConfig({ hcp: { organization: "acme", audience: "aws.workload.identity" } }),
    );
    expect(names(explicitDefault, "tfe_variable")).not.toContain(
      "ws_app-prod_TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE",
    );
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
      ws_a: "${aws_iam_role.ws_a.arn}",
      ws_b: "${aws_iam_role.ws_b.arn}",
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

  /** The elements that belong to one workspace (their addresses all mention `ws_NAME`). */
  function elementsOf(stack: ReturnType<typeof synth>, name: string): Map<string, unknown> {
    return new Map([...byAddress(stack)].filter(([address]) => address.includes(`.ws_${name}`)));
  }

  it("derive from workspace names", () => {
    const stack = synth(baseConfig({ workspaces: three }));
    expect([...elementsOf(stack, "alpha").keys()].sort()).toEqual([
      "aws_iam_role.ws_alpha",
      "aws_iam_role_policy_attachment.ws_alpha_ReadOnlyAccess",
      "tfe_variable.ws_alpha_TFC_AWS_PROVIDER_AUTH",
      "tfe_variable.ws_alpha_TFC_AWS_RUN_ROLE_ARN",
    ]);
  });

  it("and the JSON of every element stay the same when the workspaces are reordered", () => {
    const before = byAddress(synth(baseConfig({ workspaces: three })));
    const after = byAddress(synth(baseConfig({ workspaces: [...three].reverse() })));
    expect(after).toEqual(before);
  });

  /** The two elements shared by all workspaces: the workspace lookup and the map of role ARNs. */
  const SHARED = ["data.tfe_workspace_ids.workspaces", "output.role_arns"];
  const names = (stack: Map<string, unknown>) =>
    (stack.get("data.tfe_workspace_ids.workspaces") as { names: string[] }).names;
  const arnKeys = (stack: Map<string, unknown>) =>
    Object.keys((stack.get("output.role_arns") as { value: Record<string, string> }).value);

  it("and the JSON of every other element stay the same when a workspace is added", () => {
    const before = byAddress(synth(baseConfig({ workspaces: three })));
    const after = byAddress(
      synth(baseConfig({ workspaces: [three[0], workspace("delta"), ...three.slice(1)] })),
    );
    const added = [...after.keys()].filter((address) => !before.has(address));
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((address) => address.includes(".ws_delta"))).toBe(true);
    for (const [address, body] of before) {
      if (!SHARED.includes(address)) expect(after.get(address)).toEqual(body);
    }
    expect(names(after)).toEqual(["alpha", "beta", "delta", "gamma"]);
    expect(arnKeys(after).sort()).toEqual([...arnKeys(before), "ws_delta"].sort());
  });

  it("of the other workspaces stay the same when one is removed; only its elements go", () => {
    const before = byAddress(synth(baseConfig({ workspaces: three })));
    const after = byAddress(synth(baseConfig({ workspaces: [three[0], three[2]] })));
    const removed = [...before.keys()].filter((address) => !after.has(address));
    expect(removed.sort()).toEqual(
      [...elementsOf(synth(baseConfig({ workspaces: three })), "beta").keys()].sort(),
    );
    for (const [address, body] of after) {
      if (!SHARED.includes(address)) expect(body).toEqual(before.get(address));
    }
    expect(names(after)).toEqual(["alpha", "gamma"]);
    expect(arnKeys(after)).toEqual(["ws_alpha", "ws_gamma"]);
  });
});
