import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { terraformGate } from "./gate";
import { installProviders, seedTfeWorld, terraformAsync, terraformEnv } from "./harness";
import {
  awsWorldFile,
  emptyAwsWorld,
  emptyTfeWorld,
  readWorld,
  type TfeWorld,
  tfeWorldFile,
  updateWorld,
} from "./provider/world";

const enabled = terraformGate();

const PROVIDERS = {
  aws: { source: "hashicorp/aws", version: "6.25.0" },
  tfe: { source: "hashicorp/tfe", version: "0.71.0" },
} as const;
const ACCOUNT = "111122223333";
const OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/app.terraform.io`;
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Federated: OIDC },
      Action: "sts:AssumeRoleWithWebIdentity",
    },
  ],
});

/** A folder with a Terraform JSON config, a world of its own and the test providers. */
function workspaceWith(config: Record<string, unknown>) {
  const work = mkdtempSync(join(process.env.TMPDIR ?? ".tmp", "terraform-behaviour-"));
  const dir = join(work, "config");
  mkdirSync(dir);
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({
      terraform: { required_providers: PROVIDERS },
      provider: { aws: [{ region: "us-east-1" }], tfe: [{ hostname: "app.terraform.io" }] },
      ...config,
    }),
  );
  const cli = installProviders(work, [
    { type: "aws", version: PROVIDERS.aws.version },
    { type: "tfe", version: PROVIDERS.tfe.version },
  ]);
  const world = join(work, "world");
  const env = terraformEnv(cli, world);
  return { dir, world, run: (...args: string[]) => terraformAsync(dir, args, env) };
}

/** A world with the OIDC provider, one role with a policy, a workspace with a variable. */
function seedExisting(world: string) {
  seedTfeWorld(world, [
    {
      data: {
        tfe_workspace: {
          w: { organization: "acme", for_each: { app: { project: "Default Project" } } },
        },
      },
    },
  ]);
  const variableId = updateWorld(tfeWorldFile(world), emptyTfeWorld, (tfe) => {
    const workspace = tfe.workspaces[0];
    if (workspace === undefined) throw new Error("no workspace seeded");
    const variable = {
      id: "var-imported000001",
      key: "TFC_AWS_PROVIDER_AUTH",
      value: "true",
      sensitive: false,
      category: "env" as const,
      description: "",
      hcl: false,
    };
    workspace.vars.push(variable);
    return variable.id;
  });
  updateWorld(
    awsWorldFile(world),
    () => emptyAwsWorld(ACCOUNT),
    (aws) => {
      aws.accounts[ACCOUNT] = {
        id: ACCOUNT,
        providers: [
          {
            arn: OIDC,
            url: "app.terraform.io",
            clientIds: ["aws.workload.identity"],
            thumbprints: ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
            tags: {},
          },
        ],
        roles: [
          {
            name: "existing",
            path: "/",
            trust: JSON.parse(TRUST),
            tags: {},
            description: "",
            attached: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            inline: {},
            roleId: "AROAEXISTING000000001",
            createDate: "2026-01-01T00:00:00Z",
            maxSessionDuration: 3600,
            permissionsBoundary: null,
          },
        ],
      };
    },
  );
  return variableId;
}

describe.skipIf(!enabled)("the test providers under the real Terraform", () => {
  it("refuse a second role of a name, a second OIDC provider of a URL, a second variable of a key", async () => {
    const tf = workspaceWith({
      data: { tfe_workspace: { app: { name: "app", organization: "acme" } } },
      resource: {
        aws_iam_openid_connect_provider: {
          one: { url: "https://app.terraform.io", client_id_list: ["aws.workload.identity"] },
          two: {
            url: "https://app.terraform.io",
            client_id_list: ["aws.workload.identity"],
            depends_on: ["aws_iam_openid_connect_provider.one"],
          },
        },
        aws_iam_role: {
          one: {
            name: "twice",
            assume_role_policy: TRUST,
            depends_on: ["aws_iam_openid_connect_provider.one"],
          },
          two: { name: "twice", assume_role_policy: TRUST, depends_on: ["aws_iam_role.one"] },
        },
        tfe_variable: {
          one: {
            key: "K",
            value: "1",
            category: "env",
            workspace_id: "${data.tfe_workspace.app.id}",
          },
          two: {
            key: "K",
            value: "2",
            category: "env",
            workspace_id: "${data.tfe_workspace.app.id}",
            depends_on: ["tfe_variable.one"],
          },
        },
      },
    });
    seedTfeWorld(tf.world, [
      { data: { tfe_workspace: { w: { organization: "acme", for_each: { app: {} } } } } },
    ]);
    expect((await tf.run("init")).status).toBe(0);
    const apply = await tf.run("apply", "-auto-approve");
    expect(apply.status).toBe(1);
    // Terraform wraps a diagnostic's detail: compare with the line breaks as spaces.
    const errors = apply.stderr.replace(/\s+/g, " ");
    expect(errors).toContain(
      "EntityAlreadyExists: Provider with url https://app.terraform.io already exists.",
    );
    expect(errors).toContain("EntityAlreadyExists: Role with name twice already exists.");
    expect(errors).toContain("Key has already been taken");
    const tfe = readWorld<TfeWorld>(tfeWorldFile(tf.world), emptyTfeWorld);
    expect(tfe.workspaces[0]?.vars.map((v) => [v.key, v.value])).toEqual([["K", "1"]]);
  });

  it("import objects by the providers' ID formats and then plan no changes", async () => {
    const tf = workspaceWith({
      data: { tfe_workspace: { app: { name: "app", organization: "acme" } } },
      import: [
        { to: "aws_iam_openid_connect_provider.hcp", id: OIDC },
        { to: "aws_iam_role.existing", id: "existing" },
        {
          to: "aws_iam_role_policy_attachment.read",
          id: "existing/arn:aws:iam::aws:policy/ReadOnlyAccess",
        },
        { to: "tfe_variable.auth", id: "acme/app/var-imported000001" },
        { to: "tfe_workspace.app", id: "acme/app" },
      ],
      resource: {
        aws_iam_openid_connect_provider: {
          hcp: {
            url: "https://app.terraform.io",
            client_id_list: ["aws.workload.identity"],
            thumbprint_list: ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
          },
        },
        aws_iam_role: { existing: { name: "existing", path: "/", assume_role_policy: TRUST } },
        aws_iam_role_policy_attachment: {
          read: {
            role: "${aws_iam_role.existing.name}",
            policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
          },
        },
        tfe_variable: {
          auth: {
            key: "TFC_AWS_PROVIDER_AUTH",
            value: "true",
            category: "env",
            workspace_id: "${data.tfe_workspace.app.id}",
          },
        },
        tfe_workspace: { app: { name: "app", organization: "acme" } },
      },
    });
    seedExisting(tf.world);
    expect((await tf.run("init")).status).toBe(0);
    const apply = await tf.run("apply", "-auto-approve");
    expect(apply.stderr).toBe("");
    expect(apply.stdout).toContain(
      "Apply complete! Resources: 5 imported, 0 added, 0 changed, 0 destroyed.",
    );
    const plan = await tf.run("plan", "-detailed-exitcode");
    expect(plan.stdout).toContain("No changes.");
    expect(plan.status).toBe(0);
  });

  it("fail a plan that reads a workspace the organization does not have", async () => {
    const tf = workspaceWith({
      data: { tfe_workspace: { gone: { name: "gone", organization: "acme" } } },
    });
    expect((await tf.run("init")).status).toBe(0);
    const plan = await tf.run("plan");
    expect(plan.status).toBe(1);
    expect(plan.stderr).toContain("could not find workspace acme/gone");
  });
});
