import type { KeptMembers, PlannedHyok, PlannedRole, PlannedStack, ResourceName } from "./model";
import type { PlanOwner } from "./summary";

export type { ResourceName };

import { parsePolicyArn } from "../config/arns";
import { PRODUCT } from "../product";
import { projectKey, terraformName } from "./naming";

/**
 * What a stack holds, by resource: the `for_each` resources of a project stack and, for each
 * key, the ID Terraform imports it by. The constructs write exactly these resources and keys;
 * the layout lock records them, so a later synth knows where each thing lived.
 */
export const RESOURCES = {
  role: "aws_iam_role.roles",
  attachment: "aws_iam_role_policy_attachment.attachments",
  inline: "aws_iam_role_policy.inline",
  variable: "tfe_variable.variables",
  workspace: "tfe_workspace.created",
  variableSet: "tfe_variable_set.projects",
  projectVariableSet: "tfe_project_variable_set.projects",
  testVariable: "tfe_test_variable.modules",
  hyokOidcConfiguration: "tfe_aws_oidc_configuration.hyok",
  hyokConfiguration: "tfe_hyok_configuration.hyok",
} as const satisfies Record<string, ResourceName>;

/** Resources bound to an AWS account: moving to another account's stack means a new object there. */
export const ACCOUNT_RESOURCES: ReadonlySet<string> = new Set([
  RESOURCES.role,
  RESOURCES.attachment,
  RESOURCES.inline,
]);

/**
 * Resources Terraform cannot import (the tfe provider's `tfe_test_variable` has no import): they
 * are never carried to another stack; the stack they leave destroys them and the one they join
 * creates them again.
 */
export const UNIMPORTABLE_RESOURCES: ReadonlySet<string> = new Set([RESOURCES.testVariable]);

/**
 * The HCP Terraform side of HYOK configurations: imported by opaque IDs only (the tfe provider's
 * import passes the ID through), never known from names, and never to be destroyed and created
 * again (a new configuration is another KEK for HCP Terraform). They never change stack: the
 * plan refuses a config that would move one (see `index.ts`).
 */
export const HYOK_MEMBER_RESOURCES: ReadonlySet<string> = new Set([
  RESOURCES.hyokOidcConfiguration,
  RESOURCES.hyokConfiguration,
]);

/** The HYOK configurations whose roles are in a stack, with their keys. */
export function hyokOf(stack: PlannedStack): PlannedHyok[] {
  return stack.roles.flatMap((role) =>
    role.owner.kind === "hyok" ? [{ ...role.owner, key: role.key }] : [],
  );
}

/**
 * The tfe provider's test of the middle part of a `tfe_variable` import ID
 * (`ORG/WORKSPACE_NAME/VAR_ID` or `ORG/VARSET_ID/VAR_ID`): a match is read as a variable set ID.
 * It is not anchored at the start, so a workspace named `x-varset-abcdefghijklmnop` matches too.
 * hashicorp/terraform-provider-tfe: `variableSetIDRegexp` in
 * internal/provider/resource_tfe_variable_set.go, used by `legacyImportByID` in
 * internal/provider/resource_tfe_variable.go.
 */
export const READ_AS_VARIABLE_SET = /varset-[a-zA-Z0-9]{16}$/;

/**
 * Whether the tfe provider would import the variables of this workspace from a variable set
 * instead: then they cannot be imported by the workspace's name, so `adopt` leaves them out and a
 * move to another stack destroys and re-creates them.
 */
export function readAsVariableSet(workspace: string): boolean {
  return READ_AS_VARIABLE_SET.test(workspace);
}

/** A variable's reference (see {@link membersOf}): `workspace:NAME:KEY` or `set:PROJECT:KEY`. */
export interface VariableRef {
  readonly kind: "workspace" | "set";
  /** The workspace, or the project of the variable set. */
  readonly owner: string;
  readonly key: string;
}

/** Reads a variable's reference; names and keys hold no `:`. */
export function parseVariableRef(ref: string): VariableRef {
  const [kind, ...rest] = ref.split(":");
  const key = rest.pop() ?? "";
  return { kind: kind === "set" ? "set" : "workspace", owner: rest.join(":"), key };
}

/**
 * Why a member cannot be imported where it moves to, if it cannot: it is then never carried over
 * (forgotten and imported) but destroyed by the stack it leaves and created by the one it joins.
 */
export function whyNotImportable(resource: ResourceName, ref: string): string | undefined {
  if (UNIMPORTABLE_RESOURCES.has(resource))
    return `the tfe provider cannot import ${resource.split(".")[0]}`;
  if (HYOK_MEMBER_RESOURCES.has(resource))
    return `the tfe provider imports ${resource.split(".")[0]} only by its ID`;
  if (resource !== RESOURCES.variable) return undefined;
  const variable = parseVariableRef(ref);
  if (variable.kind === "workspace" && readAsVariableSet(variable.owner))
    return `workspace ${JSON.stringify(variable.owner)} ends like a variable set ID, so the tfe provider would import its variables from a set`;
  return undefined;
}

/**
 * How to find an existing object again, by resource. AWS objects have IDs known from names
 * (a role: its name; an attachment: `ROLE/POLICY_ARN`; an inline policy: `ROLE:inline`); HCP
 * Terraform objects are found by names at plan time (`workspace:NAME:KEY`, `set:NAME:KEY` for
 * variables; the workspace or set name).
 */
export type Members = Partial<Record<ResourceName, Record<string, string>>>;

/** What members are read from: a stack's roles and variable targets (of the plan or the plan file). */
export interface MemberSource {
  readonly roles: ReadonlyArray<
    Pick<PlannedRole, "key" | "roleName" | "policyArns" | "inlinePolicy"> & {
      readonly owner: PlanOwner;
    }
  >;
  readonly targets: ReadonlyArray<{
    readonly key: string;
    readonly owner: PlanOwner;
    readonly variables: ReadonlyArray<{ readonly key: string }>;
  }>;
  readonly kept?: KeptMembers;
}

/** The members of a planned stack, with the reference each is found by. */
export function membersOf(stack: MemberSource): Members {
  const members: Record<string, Record<string, string>> = {};
  const add = (resource: ResourceName, key: string, ref: string) => {
    members[resource] = { ...members[resource], [key]: ref };
  };
  for (const role of stack.roles) {
    add(RESOURCES.role, role.key, role.roleName);
    for (const arn of role.policyArns)
      add(RESOURCES.attachment, attachmentKey(role.key, arn), `${role.roleName}/${arn}`);
    if (role.inlinePolicy !== undefined) add(RESOURCES.inline, role.key, `${role.roleName}:inline`);
    if (role.owner.kind === "hyok") {
      add(RESOURCES.hyokOidcConfiguration, role.key, `hyok:${role.owner.name}`);
      add(RESOURCES.hyokConfiguration, role.key, `hyok:${role.owner.name}`);
    }
  }
  for (const target of stack.targets) {
    const { owner } = target;
    if (owner.kind === "workspace" && owner.create)
      add(RESOURCES.workspace, owner.name, owner.name);
    if (owner.kind === "project") {
      add(RESOURCES.variableSet, projectKey(owner.name), variableSetName(owner.name));
      add(RESOURCES.projectVariableSet, projectKey(owner.name), owner.name);
    }
    for (const variable of target.variables) {
      const key = `${target.key}_${variable.key}`;
      switch (owner.kind) {
        case "workspace":
          add(RESOURCES.variable, key, `workspace:${owner.name}:${variable.key}`);
          break;
        case "project":
          add(RESOURCES.variable, key, `set:${owner.name}:${variable.key}`);
          break;
        case "module":
          add(
            RESOURCES.testVariable,
            key,
            `module:${owner.name}/${owner.provider}:${variable.key}`,
          );
          break;
        case "stack":
          throw new Error(`a Stack has no variables (${key})`);
      }
    }
  }
  return members as Members;
}

/**
 * Everything a stack's configuration declares: its own members and those it keeps for a move
 * (`PlannedStack.kept`). What its state holds once a deploy of it succeeded.
 */
export function declaredMembers(stack: MemberSource): Members {
  const own = membersOf(stack);
  if (stack.kept === undefined) return own;
  const kept = membersOf({ ...stack, roles: stack.kept.roles, targets: stack.kept.targets });
  const all: Record<string, Record<string, string>> = { ...own };
  for (const [resource, keys] of Object.entries(kept))
    all[resource] = { ...all[resource], ...keys };
  return all as Members;
}

/**
 * The address a stack moves a member to before forgetting it (`removed` cannot name one
 * `for_each` instance): a resource of its own name that no configuration declares.
 */
export function departedAddress(resource: ResourceName, key: string): string {
  const [type = "", name = ""] = resource.split(".");
  return `${type}.${terraformName(`departed_${name}_${key}`)}`;
}

/** The name of a project's variable set: `hcp-aws-trust: PROJECT`. */
export function variableSetName(project: string): string {
  return `${PRODUCT}: ${project}`;
}

/** The key of a policy attachment: the role's key and the policy's owner and name. */
export function attachmentKey(roleKey: string, policyArn: string): string {
  const policy = parsePolicyArn(policyArn);
  // Policy names are unique per account, so owner and name identify a policy whatever its path.
  const label =
    policy === undefined
      ? policyArn
      : policy.owner === "aws"
        ? policy.name
        : `${policy.owner}_${policy.name}`;
  return terraformName(`${roleKey}_${label}`);
}
