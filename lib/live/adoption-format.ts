/**
 * The adoption file, `trust.imports.json`: what already exists and should be imported in place by
 * the first deploy instead of created. Version 1. Entries are keyed by logical identity (account
 * and provider host, account and role name, role and policy ARN, workspace name and variable key,
 * variable set name and key, ...), never by Terraform address; each value is the import ID in the
 * form the provider's importer reads:
 *
 * - `aws_iam_openid_connect_provider`: its ARN (passthrough importer; hashicorp/terraform-provider-aws
 *   `internal/service/iam/openid_connect_provider.go`).
 * - `aws_iam_role`: the role name.
 * - `aws_iam_role_policy_attachment`: `ROLE/POLICY_ARN` (`role_policy_attachment.go`, `SplitN(id, "/", 2)`).
 * - `aws_iam_role_policy`: `ROLE:NAME` (`role_policy.go`, `SplitN(id, ":", 2)`).
 * - `tfe_workspace`: the workspace ID `ws-...` (hashicorp/terraform-provider-tfe
 *   `internal/provider/resource_tfe_workspace.go`: `ORG/NAME` or the ID).
 * - `tfe_variable`: `ORG/WORKSPACE/VAR_ID` on a workspace, `ORG/VARSET_ID/VAR_ID` in a set; the
 *   importer reads the middle part as a set when it matches `varset-[a-zA-Z0-9]{16}$`
 *   (`resource_tfe_variable.go`, `ImportState`; the pattern is in `resource_tfe_variable_set.go`;
 *   the one guard against a workspace named so is `readAsVariableSet` in `lib/plan/members.ts`).
 * - `tfe_variable_set`: its ID `varset-...` (passthrough importer).
 * - `tfe_project_variable_set`: `ORG/PROJECT_ID/VARSET_NAME` (`resource_tfe_project_variable_set.go`).
 * - `tfe_hyok_configuration`: its ID `hyokc-...`; `tfe_aws_oidc_configuration`: its ID
 *   `awsoidc-...` (passthrough importers: `resource_tfe_hyok_configuration.go`,
 *   `resource_tfe_aws_oidc_configuration.go`).
 *
 * The file arrives in pull requests like the config, so it is untrusted: every key and ID is checked
 * against a strict form, and each ID must be the one its keys imply, so no entry can point at another
 * object than the one it is filed under, and no text reaches Terraform that it would interpolate.
 */
import { z } from "zod";
import { parseOidcProviderArn, parsePolicyArn } from "../config/arns";
import { hostnameProblem } from "../config/names";
import { readAsVariableSet } from "../plan/members";

export const ADOPTION_VERSION = 1;

const ORGANIZATION = /^[A-Za-z0-9_-]{1,255}$/;
const ACCOUNT_NAME = /^[A-Za-z0-9_-]{1,32}$/;
const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const INLINE_POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const WORKSPACE_NAME = /^[A-Za-z0-9_-]{1,90}$/;
const PROJECT_NAME = /^[A-Za-z0-9_-](?:[A-Za-z0-9_ -]{1,38})[A-Za-z0-9_-]$/;
const VARIABLE_SET_NAME = /^[A-Za-z0-9_:.-](?:[A-Za-z0-9_:. -]{0,126}[A-Za-z0-9_:.-])?$/;
const VARIABLE_KEY = /^TFC_AWS_[A-Za-z0-9_]{1,120}$/;
const WORKSPACE_ID = /^ws-[A-Za-z0-9]{1,64}$/;
const VARIABLE_ID = /^var-[A-Za-z0-9]{1,64}$/;
const PROJECT_ID = /^prj-[A-Za-z0-9]{1,64}$/;
const HYOK_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const HYOK_ID = /^hyokc-[A-Za-z0-9]{1,64}$/;
const AWS_OIDC_ID = /^awsoidc-[A-Za-z0-9]{1,64}$/;
/** What the tfe provider's importer takes for a variable set ID (`variableSetIDRegexp`). */
export const VARIABLE_SET_ID = /^varset-[a-zA-Z0-9]{16}$/;

export interface AdoptedRole {
  readonly id: string;
  readonly policyAttachments?: Readonly<Record<string, string>>;
  readonly inlinePolicies?: Readonly<Record<string, string>>;
}

export interface AdoptedAccount {
  readonly accountId: string;
  readonly oidcProviders?: Readonly<Record<string, string>>;
  readonly roles?: Readonly<Record<string, AdoptedRole>>;
}

export interface AdoptedWorkspace {
  /** Set only for a workspace the config creates (`create: true`). */
  readonly id?: string;
  readonly variables?: Readonly<Record<string, string>>;
}

export interface AdoptedVariableSet {
  readonly id: string;
  readonly projects?: Readonly<Record<string, string>>;
  readonly variables?: Readonly<Record<string, string>>;
}

/** A HYOK configuration made in HCP Terraform, and the AWS OIDC configuration it uses. */
export interface AdoptedHyok {
  readonly id: string;
  readonly oidcConfiguration?: string;
}

/** The adoption file's content. */
export interface Adoption {
  readonly version: typeof ADOPTION_VERSION;
  readonly organization: string;
  readonly hostname: string;
  readonly accounts?: Readonly<Record<string, AdoptedAccount>>;
  readonly workspaces?: Readonly<Record<string, AdoptedWorkspace>>;
  readonly variableSets?: Readonly<Record<string, AdoptedVariableSet>>;
  /** HYOK configurations, by name. */
  readonly hyokConfigurations?: Readonly<Record<string, AdoptedHyok>>;
}

/** Import IDs, built the one way the providers read them. */
export const importId = {
  rolePolicyAttachment: (role: string, policyArn: string) => `${role}/${policyArn}`,
  rolePolicy: (role: string, name: string) => `${role}:${name}`,
  workspaceVariable: (org: string, workspace: string, variableId: string) =>
    `${org}/${workspace}/${variableId}`,
  setVariable: (org: string, setId: string, variableId: string) => `${org}/${setId}/${variableId}`,
  projectVariableSet: (org: string, projectId: string, setName: string) =>
    `${org}/${projectId}/${setName}`,
};

/** A string of a form: keys and IDs alike. */
const form = (pattern: RegExp, what: string) =>
  z.string().refine((value) => pattern.test(value), {
    error: (issue) => `${JSON.stringify(issue.input)} is not ${what}`,
  });

const roleSchema = z.strictObject({
  id: form(ROLE_NAME, "an IAM role name"),
  policyAttachments: z
    .record(form(/^arn:[\w-]+:iam::(aws|\d{12}):policy\/\S+$/, "a managed policy ARN"), z.string())
    .optional(),
  inlinePolicies: z
    .record(form(INLINE_POLICY_NAME, "an inline policy name"), z.string())
    .optional(),
});

const accountSchema = z.strictObject({
  accountId: form(ACCOUNT_ID, "a 12-digit AWS account ID"),
  oidcProviders: z.record(form(/^[a-z0-9.-]{1,253}$/, "a hostname"), z.string()).optional(),
  roles: z.record(form(ROLE_NAME, "an IAM role name"), roleSchema).optional(),
});

const workspaceSchema = z.strictObject({
  id: form(WORKSPACE_ID, 'a workspace ID ("ws-" and letters and digits)').optional(),
  variables: z.record(form(VARIABLE_KEY, "a TFC_AWS_* variable key"), z.string()).optional(),
});

const variableSetSchema = z.strictObject({
  id: form(VARIABLE_SET_ID, 'a variable set ID ("varset-" and 16 letters and digits)'),
  projects: z.record(form(PROJECT_NAME, "a project name"), z.string()).optional(),
  variables: z.record(form(VARIABLE_KEY, "a TFC_AWS_* variable key"), z.string()).optional(),
});

const hyokSchema = z.strictObject({
  id: form(HYOK_ID, 'a HYOK configuration ID ("hyokc-" and letters and digits)'),
  oidcConfiguration: form(
    AWS_OIDC_ID,
    'an AWS OIDC configuration ID ("awsoidc-" and letters and digits)',
  ).optional(),
});

/** The file's schema: shapes and forms first, then each import ID against the keys it is filed under. */
export const adoptionSchema = z
  .strictObject({
    version: z.literal(ADOPTION_VERSION, {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a supported version; this app reads version ${ADOPTION_VERSION}`,
    }),
    organization: form(ORGANIZATION, "an organization name"),
    hostname: z.string().superRefine((value, ctx) => {
      const problem = hostnameProblem(value);
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    }),
    accounts: z.record(form(ACCOUNT_NAME, "an account name"), accountSchema).optional(),
    workspaces: z.record(form(WORKSPACE_NAME, "a workspace name"), workspaceSchema).optional(),
    variableSets: z
      .record(form(VARIABLE_SET_NAME, "a variable set name"), variableSetSchema)
      .optional(),
    hyokConfigurations: z
      .record(form(HYOK_NAME, "a HYOK configuration name"), hyokSchema)
      .optional(),
  })
  .superRefine((file, ctx) => {
    const expect = (path: (string | number)[], actual: string, form: string, ok: boolean) => {
      if (!ok) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `${JSON.stringify(actual)} is not the import ID this entry needs; expected ${form}`,
        });
      }
    };
    const org = file.organization;
    for (const [name, account] of Object.entries(file.accounts ?? {})) {
      for (const [host, arn] of Object.entries(account.oidcProviders ?? {})) {
        const parsed = parseOidcProviderArn(arn);
        const form = `"arn:PARTITION:iam::${account.accountId}:oidc-provider/${host}"`;
        const ok = parsed?.accountId === account.accountId && parsed.host === host;
        expect(["accounts", name, "oidcProviders", host], arn, form, ok);
      }
      for (const [role, entry] of Object.entries(account.roles ?? {})) {
        const at = ["accounts", name, "roles", role];
        expect([...at, "id"], entry.id, JSON.stringify(role), entry.id === role);
        for (const [arn, value] of Object.entries(entry.policyAttachments ?? {})) {
          const form = JSON.stringify(importId.rolePolicyAttachment(role, arn));
          const ok =
            parsePolicyArn(arn) !== undefined && value === importId.rolePolicyAttachment(role, arn);
          expect([...at, "policyAttachments", arn], value, form, ok);
        }
        for (const [policy, value] of Object.entries(entry.inlinePolicies ?? {})) {
          const form = JSON.stringify(importId.rolePolicy(role, policy));
          expect(
            [...at, "inlinePolicies", policy],
            value,
            form,
            value === importId.rolePolicy(role, policy),
          );
        }
      }
    }
    for (const [workspace, entry] of Object.entries(file.workspaces ?? {})) {
      const variables = Object.entries(entry.variables ?? {});
      if (variables.length > 0 && readAsVariableSet(workspace)) {
        ctx.addIssue({
          code: "custom",
          path: ["workspaces", workspace],
          message: `workspace ${JSON.stringify(workspace)} ends like a variable set ID, so the tfe provider would import its variables from a set; its variables cannot be adopted by name`,
        });
      }
      for (const [variable, value] of variables) {
        const prefix = `${org}/${workspace}/`;
        const ok = value.startsWith(prefix) && VARIABLE_ID.test(value.slice(prefix.length));
        expect(["workspaces", workspace, "variables", variable], value, `"${prefix}var-ID"`, ok);
      }
    }
    for (const [set, entry] of Object.entries(file.variableSets ?? {})) {
      for (const [project, value] of Object.entries(entry.projects ?? {})) {
        const [o, projectId, ...rest] = value.split("/");
        const ok = o === org && PROJECT_ID.test(projectId ?? "") && rest.join("/") === set;
        expect(["variableSets", set, "projects", project], value, `"${org}/prj-ID/${set}"`, ok);
      }
      for (const [variable, value] of Object.entries(entry.variables ?? {})) {
        const prefix = `${org}/${entry.id}/`;
        const ok = value.startsWith(prefix) && VARIABLE_ID.test(value.slice(prefix.length));
        expect(["variableSets", set, "variables", variable], value, `"${prefix}var-ID"`, ok);
      }
    }
  });

/** The forms checked live, for values read from the APIs before they go into the file. */
export const liveIdForm = {
  workspace: WORKSPACE_ID,
  variable: VARIABLE_ID,
  variableSet: VARIABLE_SET_ID,
  project: PROJECT_ID,
  hyok: HYOK_ID,
  awsOidc: AWS_OIDC_ID,
};
