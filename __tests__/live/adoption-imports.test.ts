import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { writeAdoption } from "../../lib/live/adoption-file";
import type { Adoption } from "../../lib/live/adoption-format";
import { adoptionImports, matchAdoption } from "../../lib/live/adoption-imports";
import { expectedState } from "../../lib/live/expected";

const READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const config = {
  hcp: { organization: "acme" },
  aws: { region: "us-east-1", accountId: "111122223333" },
  workspaces: [
    { name: "app", project: "Default Project", policyArns: [READ_ONLY] },
    { name: "svc", project: "Apps", create: true, policyArns: [READ_ONLY] },
  ],
  projects: [{ name: "Data Platform", policyArns: [READ_ONLY] }],
};
const SET = "varset-0000000000000007";
const SET_NAME = "hcp-aws-trust: Data Platform";

const adoption: Adoption = {
  version: 1,
  organization: "acme",
  hostname: "app.terraform.io",
  accounts: {
    default: {
      accountId: "111122223333",
      oidcProviders: {
        "app.terraform.io": "arn:aws:iam::111122223333:oidc-provider/app.terraform.io",
      },
      roles: {
        "tfc-acme-app": {
          id: "tfc-acme-app",
          policyAttachments: {
            [READ_ONLY]: `tfc-acme-app/${READ_ONLY}`,
            "arn:aws:iam::aws:policy/PowerUserAccess":
              "tfc-acme-app/arn:aws:iam::aws:policy/PowerUserAccess",
          },
        },
        "tfc-acme-gone": { id: "tfc-acme-gone" },
      },
    },
  },
  workspaces: {
    app: {
      id: "ws-0000000000000001",
      variables: { TFC_AWS_RUN_ROLE_ARN: "acme/app/var-0000000000000002" },
    },
    svc: { id: "ws-0000000000000003" },
    gone: { variables: { TFC_AWS_PROVIDER_AUTH: "acme/gone/var-0000000000000004" } },
  },
  variableSets: {
    [SET_NAME]: {
      id: SET,
      projects: { "Data Platform": `acme/prj-0000000000000005/${SET_NAME}` },
      variables: { TFC_AWS_RUN_ROLE_ARN: `acme/${SET}/var-0000000000000006` },
    },
  },
};

describe("the import entries of an adoption file", () => {
  const state = expectedState(parseConfig(stringify(config)));
  const { entries, ignored } = matchAdoption(adoption, state);

  it("keeps every entry whose resource the config has, with its logical identity and import ID", () => {
    expect(entries).toEqual([
      {
        type: "aws_iam_openid_connect_provider",
        account: "default",
        host: "app.terraform.io",
        id: "arn:aws:iam::111122223333:oidc-provider/app.terraform.io",
      },
      { type: "aws_iam_role", account: "default", roleName: "tfc-acme-app", id: "tfc-acme-app" },
      {
        type: "aws_iam_role_policy_attachment",
        account: "default",
        roleName: "tfc-acme-app",
        policyArn: READ_ONLY,
        id: `tfc-acme-app/${READ_ONLY}`,
      },
      {
        type: "tfe_variable",
        workspace: "app",
        key: "TFC_AWS_RUN_ROLE_ARN",
        id: "acme/app/var-0000000000000002",
      },
      { type: "tfe_workspace", workspace: "svc", id: "ws-0000000000000003" },
      { type: "tfe_variable_set", variableSet: SET_NAME, id: SET },
      {
        type: "tfe_project_variable_set",
        variableSet: SET_NAME,
        project: "Data Platform",
        id: `acme/prj-0000000000000005/${SET_NAME}`,
      },
      {
        type: "tfe_variable",
        variableSet: SET_NAME,
        key: "TFC_AWS_RUN_ROLE_ARN",
        id: `acme/${SET}/var-0000000000000006`,
      },
    ]);
  });

  it("reports and ignores entries whose resource the config no longer has", () => {
    expect(ignored).toEqual([
      "attachment of arn:aws:iam::aws:policy/PowerUserAccess to role tfc-acme-app in account default: the config does not attach arn:aws:iam::aws:policy/PowerUserAccess to tfc-acme-app",
      "role tfc-acme-gone in account default: the config has no role tfc-acme-gone in account default",
      "workspace app: the config does not create workspace app",
      "variable TFC_AWS_PROVIDER_AUTH of workspace gone: the config has no variables for workspace gone",
    ]);
  });

  it("ignores every entry of a file made for another organization", () => {
    const other = matchAdoption({ ...adoption, organization: "other", accounts: {} }, state);
    expect(other.entries).toEqual([]);
    expect(other.ignored.every((line) => line.includes("the file is for organization other"))).toBe(
      true,
    );
  });

  it("ignores AWS entries of an account whose ID the config gives otherwise", () => {
    const moved = expectedState(
      parseConfig(
        stringify({ ...config, aws: { region: "us-east-1", accountId: "444455556666" } }),
      ),
    );
    const result = matchAdoption(adoption, moved);
    expect(result.entries.some((e) => e.type.startsWith("aws_"))).toBe(false);
    expect(result.ignored).toContain(
      "role tfc-acme-app in account default: account default is 444455556666 in the config, 111122223333 in the file",
    );
  });

  it("reads the file beside the config, and gives no entries when there is none", () => {
    const folder = mkdtempSync(join(process.env.TMPDIR ?? ".tmp", "imports-"));
    const path = join(folder, "trust.yaml");
    writeFileSync(path, stringify(config));
    const parsed = parseConfig(stringify(config));
    expect(adoptionImports(parsed, path)).toEqual({ entries: [], ignored: [] });
    writeAdoption(join(folder, "trust.imports.json"), adoption);
    expect(adoptionImports(parsed, path).entries).toHaveLength(8);
  });
});
