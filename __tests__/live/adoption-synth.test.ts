import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadConfig } from "../../lib/config/load";
import { parseAdoption } from "../../lib/live/adoption-file";
import { adoptionImports } from "../../lib/live/adoption-imports";
import { buildApp } from "../../stacks/app";
import { tempDir } from "../helpers/synth";

const ROLE = "tfc-acme-app";
const ACCOUNT = "111122223333";
const SET = "varset-abcdefghij123456";

/** The seeds' hand-made setup, as `npm run adopt` records it. */
const ADOPTION = {
  version: 1,
  organization: "acme",
  hostname: "app.terraform.io",
  accounts: {
    default: {
      accountId: ACCOUNT,
      oidcProviders: {
        "app.terraform.io": `arn:aws:iam::${ACCOUNT}:oidc-provider/app.terraform.io`,
      },
      roles: {
        [ROLE]: {
          id: ROLE,
          policyAttachments: {
            "arn:aws:iam::aws:policy/ReadOnlyAccess": `${ROLE}/arn:aws:iam::aws:policy/ReadOnlyAccess`,
          },
        },
      },
    },
  },
  workspaces: {
    app: {
      variables: {
        TFC_AWS_PROVIDER_AUTH: "acme/app/var-aaaa1111",
        TFC_AWS_RUN_ROLE_ARN: "acme/app/var-bbbb2222",
      },
    },
  },
  variableSets: {
    "hcp-aws-trust: Data": {
      id: SET,
      variables: { TFC_AWS_PROVIDER_AUTH: `acme/${SET}/var-cccc3333` },
    },
  },
};

function synthWithAdoption(): {
  stacks: Record<string, { import?: Array<{ to: string; id: string }> }>;
  ignored: readonly string[];
} {
  const dir = tempDir("adopt-synth-");
  mkdirSync(dir, { recursive: true });
  const configPath = join(dir, "trust.yaml");
  writeFileSync(
    configPath,
    stringify({
      hcp: { organization: "acme" },
      aws: { region: "us-east-1", accountId: ACCOUNT },
      projects: [{ name: "Data", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }],
      workspaces: [
        { name: "app", project: "Apps", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
      ],
    }),
  );
  writeFileSync(
    join(dir, "trust.imports.json"),
    JSON.stringify({
      ...ADOPTION,
      workspaces: {
        ...ADOPTION.workspaces,
        gone: { variables: { TFC_AWS_PROVIDER_AUTH: "acme/gone/var-dddd4444" } },
      },
    }),
  );
  const { config } = loadConfig(configPath);
  const adoption = adoptionImports(config, configPath);
  const outdir = join(dir, "out");
  buildApp(config, { outdir, adopt: adoption.entries }).app.synth();
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const stacks = Object.fromEntries(
    Object.entries(manifest.stacks).map(([name, entry]) => [
      name,
      JSON.parse(readFileSync(join(outdir, entry.synthesizedStackPath), "utf8")),
    ]),
  );
  return { stacks, ignored: adoption.ignored };
}

describe("the synth with an adoption file", () => {
  const { stacks, ignored } = synthWithAdoption();

  it("imports the hand-made provider in the account's base stack", () => {
    expect(stacks["hcp-aws-trust-default"]?.import).toEqual([
      {
        to: "aws_iam_openid_connect_provider.hcp",
        id: `arn:aws:iam::${ACCOUNT}:oidc-provider/app.terraform.io`,
      },
    ]);
  });

  it("imports the role, its attachment and the workspace's variables at their for_each addresses", () => {
    expect(stacks["hcp-aws-trust-default.Apps"]?.import).toEqual([
      { to: 'aws_iam_role.roles["ws_app"]', id: ROLE },
      {
        to: 'aws_iam_role_policy_attachment.attachments["ws_app_ReadOnlyAccess"]',
        id: `${ROLE}/arn:aws:iam::aws:policy/ReadOnlyAccess`,
      },
      { to: 'tfe_variable.variables["ws_app_TFC_AWS_PROVIDER_AUTH"]', id: "acme/app/var-aaaa1111" },
      { to: 'tfe_variable.variables["ws_app_TFC_AWS_RUN_ROLE_ARN"]', id: "acme/app/var-bbbb2222" },
    ]);
  });

  it("imports a project's variable set and its variables in the project's stack", () => {
    expect(stacks["hcp-aws-trust-default.Data"]?.import).toEqual(
      expect.arrayContaining([
        { to: 'tfe_variable_set.projects["project_Data"]', id: SET },
        {
          to: 'tfe_variable.variables["project_Data_TFC_AWS_PROVIDER_AUTH"]',
          id: `acme/${SET}/var-cccc3333`,
        },
      ]),
    );
  });

  it("reports and ignores an entry whose resource the config no longer has", () => {
    expect(ignored).toEqual([expect.stringContaining("gone")]);
  });
});

describe("the synth with an adopted HYOK configuration", () => {
  it("imports it and its OIDC configuration in the stack of its role, by ID", () => {
    const dir = tempDir("adopt-synth-hyok-");
    mkdirSync(dir, { recursive: true });
    const configPath = join(dir, "trust.yaml");
    writeFileSync(
      configPath,
      stringify({
        hcp: { organization: "acme" },
        aws: { region: "us-east-1", accountId: ACCOUNT },
        hyok: [
          {
            name: "primary",
            kmsKey: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            agentPool: "hyok-agents",
          },
          { name: "other", kmsKey: "alias/x", region: "us-east-1", agentPool: "hyok-agents" },
        ],
      }),
    );
    writeFileSync(
      join(dir, "trust.imports.json"),
      JSON.stringify({
        version: 1,
        organization: "acme",
        hostname: "app.terraform.io",
        hyokConfigurations: {
          primary: { id: "hyokc-XqYizSPQmeiG1aHJ", oidcConfiguration: "awsoidc-DXmy3B2emVHysnbq" },
          gone: { id: "hyokc-AAAAAAAAAAAAAAAA" },
        },
      }),
    );
    const { config } = loadConfig(configPath);
    const adoption = adoptionImports(config, configPath);
    expect(adoption.ignored).toEqual([
      "HYOK configuration gone: the config has no HYOK configuration gone",
    ]);
    const outdir = join(dir, "out");
    buildApp(config, { outdir, adopt: adoption.entries }).app.synth();
    const stack = JSON.parse(
      readFileSync(
        join(outdir, "stacks", "hcp-aws-trust-default.any.project", "cdk.tf.json"),
        "utf8",
      ),
    ) as { import?: Array<{ to: string; id: string }> };
    expect(stack.import).toEqual([
      { to: 'tfe_hyok_configuration.hyok["hyok_primary"]', id: "hyokc-XqYizSPQmeiG1aHJ" },
      { to: 'tfe_aws_oidc_configuration.hyok["hyok_primary"]', id: "awsoidc-DXmy3B2emVHysnbq" },
    ]);
  });

  it("refuses an ID of another form", () => {
    expect(() =>
      parseAdoption(
        JSON.stringify({
          version: 1,
          organization: "acme",
          hostname: "app.terraform.io",
          hyokConfigurations: { primary: { id: '${file("/etc/passwd")}' } },
        }),
      ),
    ).toThrow('is not a HYOK configuration ID ("hyokc-" and letters and digits)');
  });
});
