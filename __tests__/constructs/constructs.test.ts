import { TerraformStack, Testing } from "cdktf";
import { describe, expect, it } from "vitest";
import { applyBackend, REQUIRED_TERRAFORM_VERSION } from "../../lib/constructs/backend";
import { addCarryover, addImports } from "../../lib/constructs/carryover";
import { addHcpVariables } from "../../lib/constructs/hcp-variables";
import { HcpOidcProvider } from "../../lib/constructs/oidc-provider";
import { addWorkspaceRoles } from "../../lib/constructs/roles";
import type { HcpVariableTarget, PlannedHcp, PlannedRole } from "../../lib/plan/model";

const HCP: PlannedHcp = {
  organization: "acme",
  hostname: "app.terraform.io",
  audience: "aws.workload.identity",
};

function role(key: string, extra: Partial<PlannedRole> = {}): PlannedRole {
  return {
    key,
    account: "default",
    owner: {
      kind: "workspace",
      name: key.replace(/^ws_/, ""),
      project: "Apps",
      create: false,
      path: "workspaces[0]",
    },
    phase: "run",
    path: "workspaces[0]",
    roleName: `tfc-acme-${key}`,
    subject: `organization:acme:project:Apps:workspace:${key}:run_phase:*`,
    policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    iamPath: "/",
    description: "d",
    tags: { ManagedBy: "hcp-aws-trust" },
    allowAdmin: false,
    ...extra,
  };
}

/** Synthesizes what `build` adds to a bare stack, as parsed JSON. */
// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary paths of the synthesized JSON
function synthOf(build: (stack: TerraformStack) => void): Record<string, any> {
  const stack = new TerraformStack(Testing.app(), "test");
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

describe("HcpOidcProvider", () => {
  it("creates the provider for https://HOST with the audience and the thumbprint of the last certificate the host sends", () => {
    const json = synthOf(
      (s) => new HcpOidcProvider(s, "p", { hostname: "tfe.example.com", audiences: ["aud"] }),
    );
    const provider = json.resource.aws_iam_openid_connect_provider.hcp;
    expect(provider.url).toBe("https://tfe.example.com");
    expect(provider.client_id_list).toEqual(["aud"]);
    expect(provider.thumbprint_list).toEqual([
      "${data.tls_certificate.hcp.certificates[0].sha1_fingerprint}",
    ]);
  });

  it("names an existing provider by its ARN, adding nothing to the stack", () => {
    let arn = "";
    const json = synthOf(() => {
      arn = HcpOidcProvider.fromArn("arn:aws:iam::111122223333:oidc-provider/app.terraform.io").arn;
    });
    expect(arn).toBe("arn:aws:iam::111122223333:oidc-provider/app.terraform.io");
    expect(json.resource).toBeUndefined();
  });

  it("names the provider of the deploying account without looking it up", () => {
    let arn = "";
    const json = synthOf((s) => {
      arn = HcpOidcProvider.inAccountOf(s, "app.terraform.io").arn;
      addWorkspaceRoles(s, { hcp: HCP, roles: [role("ws_a")], provider: { arn } });
    });
    expect(Object.keys(json.data)).toEqual(["aws_caller_identity", "aws_partition"]);
    expect(json.data.aws_iam_openid_connect_provider).toBeUndefined();
    expect(json.resource.aws_iam_role.roles.for_each.ws_a.assume_role_policy).toContain(
      "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/app.terraform.io",
    );
  });
});

describe("addWorkspaceRoles", () => {
  it("writes one for_each resource per type, keyed by the roles' keys", () => {
    const json = synthOf((s) =>
      addWorkspaceRoles(s, {
        hcp: HCP,
        roles: [
          role("ws_a"),
          role("ws_b", { inlinePolicy: { Version: "2012-10-17", Statement: [] } }),
        ],
        provider: { arn: "arn:aws:iam::1:oidc-provider/app.terraform.io" },
      }),
    );
    expect(Object.keys(json.resource.aws_iam_role.roles.for_each)).toEqual(["ws_a", "ws_b"]);
    expect(Object.keys(json.resource.aws_iam_role_policy_attachment.attachments.for_each)).toEqual([
      "ws_a_ReadOnlyAccess",
      "ws_b_ReadOnlyAccess",
    ]);
    expect(json.resource.aws_iam_role_policy_attachment.attachments.role).toBe(
      "${aws_iam_role.roles[each.value.role].name}",
    );
    expect(Object.keys(json.resource.aws_iam_role_policy.inline.for_each)).toEqual(["ws_b"]);
  });

  it("returns literal ARNs when the account is known, references otherwise", () => {
    let arns = new Map<string, string>();
    synthOf((s) => {
      arns = addWorkspaceRoles(s, {
        hcp: HCP,
        roles: [
          role("ws_a", { arn: "arn:aws:iam::111122223333:role/tfc-acme-ws_a" }),
          role("ws_b"),
        ],
        provider: { arn: "p" },
      });
    });
    expect(arns.get("ws_a")).toBe("arn:aws:iam::111122223333:role/tfc-acme-ws_a");
    expect(arns.get("ws_b")).toBe('${aws_iam_role.roles["ws_b"].arn}');
  });
});

describe("addHcpVariables", () => {
  const target = (name: string, create: boolean): HcpVariableTarget => ({
    key: `ws_${name}`,
    owner: { kind: "workspace", name, project: "Apps", create, path: "workspaces[0]" },
    variables: [{ key: "TFC_AWS_PROVIDER_AUTH", value: { kind: "text", text: "true" } }],
  });

  it("looks each existing workspace up by name, with a postcondition on its project", () => {
    const json = synthOf((s) =>
      addHcpVariables(s, { hcp: HCP, targets: [target("a", false)], roleArns: new Map() }),
    );
    const lookup = json.data.tfe_workspace.workspaces;
    expect(Object.keys(lookup.for_each)).toEqual(["a"]);
    expect(lookup.lifecycle.postcondition[0].condition).toBe(
      "${each.value.project_id == null || self.project_id == each.value.project_id}",
    );
    expect(json.data.tfe_workspace_ids).toBeUndefined();
    expect(
      json.resource.tfe_variable.variables.for_each.ws_a_TFC_AWS_PROVIDER_AUTH.workspace_id,
    ).toBe('${data.tfe_workspace.workspaces["a"].id}');
  });

  it("creates a created workspace with prevent_destroy, so it is never stripped of its credentials first", () => {
    const json = synthOf((s) =>
      addHcpVariables(s, { hcp: HCP, targets: [target("b", true)], roleArns: new Map() }),
    );
    expect(json.resource.tfe_workspace.created.lifecycle).toEqual({ prevent_destroy: true });
    expect(
      json.resource.tfe_variable.variables.for_each.ws_b_TFC_AWS_PROVIDER_AUTH.workspace_id,
    ).toBe('${tfe_workspace.created["b"].id}');
  });
});

describe("addCarryover", () => {
  it("makes the leaving stack forget a member through an undeclared address, and the joining stack import it", () => {
    const move = {
      resource: "aws_iam_role.roles" as const,
      key: "ws_a",
      ref: "tfc-acme-a",
      from: "old",
      to: "new",
      phase: "forget" as const,
      imports: true,
    };
    const leaving = synthOf((s) => addImports(s, addCarryover(s, "acme", [move], [])));
    expect(leaving.moved).toEqual([
      { from: 'aws_iam_role.roles["ws_a"]', to: "aws_iam_role.departed_roles_ws_a" },
    ]);
    expect(leaving.removed).toEqual([
      { from: "aws_iam_role.departed_roles_ws_a", lifecycle: [{ destroy: false }] },
    ]);
    const joining = synthOf((s) => addImports(s, addCarryover(s, "acme", [], [move])));
    expect(joining.import).toEqual([{ to: 'aws_iam_role.roles["ws_a"]', id: "tfc-acme-a" }]);
  });

  it("imports a moved variable by its key, found at plan time, and only if it still exists", () => {
    const json = synthOf((s) =>
      addImports(
        s,
        addCarryover(
          s,
          "acme",
          [],
          [
            {
              resource: "tfe_variable.variables",
              key: "ws_a_K",
              ref: "workspace:a:K",
              from: "old",
              to: "new",
              phase: "keep",
              imports: true,
            },
          ],
        ),
      ),
    );
    expect(json.data.tfe_workspace.carried.for_each).toEqual({ a: {} });
    expect(json.locals.carried_variables).toEqual({
      ws_a_K: { owner: "ws_a", key: "K", prefix: "acme/a" },
    });
    expect(json.import[0].to).toBe("tfe_variable.variables[each.key]");
    expect(json.import[0].for_each).toContain("if length(");
  });

  it("refuses to import the variables of a workspace the tfe importer would read as a variable set", () => {
    const name = "x-varset-abcdefghijklmnop";
    const move = {
      resource: "tfe_variable.variables" as const,
      key: `ws_${name}_K`,
      ref: `workspace:${name}:K`,
      from: "old",
      to: "new",
      phase: "forget" as const,
      imports: true,
    };
    expect(() => synthOf((s) => addImports(s, addCarryover(s, "acme", [], [move])))).toThrow(
      `workspace "${name}" ends like a variable set ID`,
    );
    expect(() => synthOf((s) => addCarryover(s, "acme", [move], []))).toThrow(
      `workspace "${name}" ends like a variable set ID`,
    );
  });
});

describe("applyBackend", () => {
  it("declares the Terraform version every stack needs", () => {
    const json = synthOf((s) => applyBackend(s, { kind: "local" }));
    expect(json.terraform.required_version).toBe(REQUIRED_TERRAFORM_VERSION);
  });

  it("uses S3's own lock file unless a DynamoDB table is given", () => {
    const s3 = synthOf((s) =>
      applyBackend(s, { kind: "s3", bucket: "b", key: "k", region: "us-east-1" }),
    );
    expect(s3.terraform.backend.s3.use_lockfile).toBe(true);
    const table = synthOf((s) =>
      applyBackend(s, {
        kind: "s3",
        bucket: "b",
        key: "k",
        region: "us-east-1",
        dynamodbTable: "locks",
      }),
    );
    expect(table.terraform.backend.s3.use_lockfile).toBeUndefined();
    expect(table.terraform.backend.s3.dynamodb_table).toBe("locks");
  });
});
