import { regularFileAt } from "../config/read";
import type { TrustConfig } from "../config/schema";
import { adoptionPathFor, readAdoption } from "./adoption-file";
import type { Adoption } from "./adoption-format";
import { type ExpectedState, expectedState } from "./expected";

/**
 * One resource to import in place, by its logical identity; `id` is the import ID in the form its
 * provider reads. The synth maps each entry to the address of the matching resource and writes
 * an `import` block (`importFrom(id)`) on it.
 */
export type ImportEntry =
  | {
      readonly type: "aws_iam_openid_connect_provider";
      readonly account: string;
      readonly host: string;
      readonly id: string;
    }
  | {
      readonly type: "aws_iam_role";
      readonly account: string;
      readonly roleName: string;
      readonly id: string;
    }
  | {
      readonly type: "aws_iam_role_policy_attachment";
      readonly account: string;
      readonly roleName: string;
      readonly policyArn: string;
      readonly id: string;
    }
  | {
      readonly type: "aws_iam_role_policy";
      readonly account: string;
      readonly roleName: string;
      readonly policyName: string;
      readonly id: string;
    }
  | { readonly type: "tfe_workspace"; readonly workspace: string; readonly id: string }
  | {
      readonly type: "tfe_variable";
      readonly workspace: string;
      readonly key: string;
      readonly id: string;
    }
  | { readonly type: "tfe_variable_set"; readonly variableSet: string; readonly id: string }
  | {
      readonly type: "tfe_variable";
      readonly variableSet: string;
      readonly key: string;
      readonly id: string;
    }
  | {
      readonly type: "tfe_project_variable_set";
      readonly variableSet: string;
      readonly project: string;
      readonly id: string;
    }
  | {
      readonly type: "tfe_hyok_configuration" | "tfe_aws_oidc_configuration";
      readonly hyok: string;
      readonly id: string;
    };

/** The imports of an adoption file that match the config, and the entries that do not. */
export interface AdoptionImports {
  readonly entries: readonly ImportEntry[];
  /** One line per entry whose resource the config no longer has, naming it and why it is ignored. */
  readonly ignored: readonly string[];
}

/**
 * The import entries for a config: reads the adoption file beside it (`trust.imports.json`;
 * none: no entries), validates it, and keeps the entries whose resource the config still has.
 * Throws `AdoptionFileError` for a file that cannot be used.
 */
export function adoptionImports(config: TrustConfig, configPath: string): AdoptionImports {
  const path = adoptionPathFor(configPath);
  if (regularFileAt(path) === "absent") return { entries: [], ignored: [] };
  return matchAdoption(readAdoption(path), expectedState(config));
}

/** The entries of an adoption file that the expected state has a resource for. */
export function matchAdoption(adoption: Adoption, state: ExpectedState): AdoptionImports {
  const entries: ImportEntry[] = [];
  const ignored: string[] = [];
  const keep = (ok: boolean, entry: ImportEntry, why: string) => {
    if (ok) entries.push(entry);
    else ignored.push(`${describe(entry)}: ${why}`);
  };
  const sameOrg =
    adoption.organization === state.organization && adoption.hostname === state.hostname;
  const orgWhy = `the file is for organization ${adoption.organization} at ${adoption.hostname}, the config for ${state.organization} at ${state.hostname}`;

  for (const [account, adopted] of Object.entries(adoption.accounts ?? {})) {
    const expected = state.accounts.find((a) => a.name === account);
    const accountWhy =
      expected === undefined
        ? `the config has no account ${account}`
        : expected.accountId !== undefined && expected.accountId !== adopted.accountId
          ? `account ${account} is ${expected.accountId} in the config, ${adopted.accountId} in the file`
          : undefined;
    for (const [host, id] of Object.entries(adopted.oidcProviders ?? {})) {
      const created = expected !== undefined && expected.reusedProviderArn === undefined;
      keep(
        accountWhy === undefined && created && host === state.hostname,
        { type: "aws_iam_openid_connect_provider", account, host, id },
        accountWhy ??
          (created
            ? `the config's host is ${state.hostname}`
            : "the account reuses a provider (oidcProviderArn)"),
      );
    }
    for (const [roleName, role] of Object.entries(adopted.roles ?? {})) {
      const planned = state.roles.find((r) => r.account === account && r.name === roleName);
      const why = accountWhy ?? `the config has no role ${roleName} in account ${account}`;
      const has = accountWhy === undefined && planned !== undefined;
      keep(has, { type: "aws_iam_role", account, roleName, id: role.id }, why);
      for (const [policyArn, id] of Object.entries(role.policyAttachments ?? {})) {
        keep(
          has && planned.policyArns.includes(policyArn),
          { type: "aws_iam_role_policy_attachment", account, roleName, policyArn, id },
          has ? `the config does not attach ${policyArn} to ${roleName}` : why,
        );
      }
      for (const [policyName, id] of Object.entries(role.inlinePolicies ?? {})) {
        keep(
          has && planned.inlinePolicy?.name === policyName,
          { type: "aws_iam_role_policy", account, roleName, policyName, id },
          has ? `the config gives ${roleName} no inline policy ${policyName}` : why,
        );
      }
    }
  }
  for (const [workspace, adopted] of Object.entries(adoption.workspaces ?? {})) {
    const planned = state.workspaces.find((w) => w.name === workspace);
    const why = sameOrg ? `the config has no variables for workspace ${workspace}` : orgWhy;
    if (adopted.id !== undefined) {
      keep(
        sameOrg && planned?.create === true,
        { type: "tfe_workspace", workspace, id: adopted.id },
        sameOrg ? `the config does not create workspace ${workspace}` : orgWhy,
      );
    }
    for (const [key, id] of Object.entries(adopted.variables ?? {})) {
      keep(
        sameOrg && planned?.variables.some((v) => v.key === key) === true,
        { type: "tfe_variable", workspace, key, id },
        planned === undefined || !sameOrg ? why : `the config writes no ${key} on ${workspace}`,
      );
    }
  }
  for (const [variableSet, adopted] of Object.entries(adoption.variableSets ?? {})) {
    const planned = state.variableSets.find((s) => s.name === variableSet);
    const has = sameOrg && planned !== undefined;
    const why = sameOrg ? `the config has no variable set ${variableSet}` : orgWhy;
    keep(has, { type: "tfe_variable_set", variableSet, id: adopted.id }, why);
    for (const [project, id] of Object.entries(adopted.projects ?? {})) {
      keep(
        has && planned.project === project,
        { type: "tfe_project_variable_set", variableSet, project, id },
        has ? `the config attaches ${variableSet} to project ${planned.project}` : why,
      );
    }
    for (const [key, id] of Object.entries(adopted.variables ?? {})) {
      keep(
        has && planned.variables.some((v) => v.key === key),
        { type: "tfe_variable", variableSet, key, id },
        has ? `the config writes no ${key} in ${variableSet}` : why,
      );
    }
  }
  for (const [hyok, adopted] of Object.entries(adoption.hyokConfigurations ?? {})) {
    const has = sameOrg && state.hyok.some((h) => h.name === hyok);
    const why = sameOrg ? `the config has no HYOK configuration ${hyok}` : orgWhy;
    keep(has, { type: "tfe_hyok_configuration", hyok, id: adopted.id }, why);
    if (adopted.oidcConfiguration !== undefined)
      keep(has, { type: "tfe_aws_oidc_configuration", hyok, id: adopted.oidcConfiguration }, why);
  }
  return { entries, ignored };
}

/** A short description of an entry, for messages. */
export function describe(entry: ImportEntry): string {
  switch (entry.type) {
    case "aws_iam_openid_connect_provider":
      return `OIDC provider ${entry.host} in account ${entry.account}`;
    case "aws_iam_role":
      return `role ${entry.roleName} in account ${entry.account}`;
    case "aws_iam_role_policy_attachment":
      return `attachment of ${entry.policyArn} to role ${entry.roleName} in account ${entry.account}`;
    case "aws_iam_role_policy":
      return `inline policy ${entry.policyName} of role ${entry.roleName} in account ${entry.account}`;
    case "tfe_workspace":
      return `workspace ${entry.workspace}`;
    case "tfe_variable":
      return "workspace" in entry
        ? `variable ${entry.key} of workspace ${entry.workspace}`
        : `variable ${entry.key} of variable set ${JSON.stringify(entry.variableSet)}`;
    case "tfe_variable_set":
      return `variable set ${JSON.stringify(entry.variableSet)}`;
    case "tfe_project_variable_set":
      return `attachment of variable set ${JSON.stringify(entry.variableSet)} to project ${entry.project}`;
    case "tfe_hyok_configuration":
      return `HYOK configuration ${entry.hyok}`;
    case "tfe_aws_oidc_configuration":
      return `AWS OIDC configuration of HYOK configuration ${entry.hyok}`;
  }
}
