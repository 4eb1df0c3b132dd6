import { terraformName } from "./address";
import { parseOidcProviderArn, parseRoleArn, partitionOfRegion } from "./config/arns";
import {
  type AccountConfig,
  accountsOf,
  type CredentialConfig,
  DEFAULT_AUDIENCE,
  type PhaseConfig,
  type ProjectConfig,
  type RoleOptions,
  type TrustConfig,
  type WorkspaceConfig,
} from "./config/schema";
import { oidcProviderArnFor, UNKNOWN_ACCOUNT_ID } from "./iam/web-identity";
import { PRODUCT } from "./product";
import { roleName } from "./role-name";
import { projectSlug } from "./shards";
import { type RunPhaseMatch, subjectPattern, trustPolicyJson } from "./trust-policy";

/** `run`: one role for both phases; `plan` / `apply`: the role of that phase only. */
export type Phase = "run" | "plan" | "apply";

/** Whose runs a role admits: one workspace, or every workspace of a project. */
export type RoleOwner =
  | { readonly kind: "workspace"; readonly workspace: WorkspaceConfig; readonly index: number }
  | { readonly kind: "project"; readonly project: ProjectConfig; readonly index: number };

/** A role the config asks for, before any construct is built. */
export interface PlannedRole {
  /** The name of the account (its key under `accounts`, or `default` for the `aws` block). */
  readonly account: string;
  readonly owner: RoleOwner;
  /** The multi-configuration tag (`credentials[].tag`), if any. */
  readonly tag?: string;
  readonly phase: Phase;
  /** Where the role's entry is in the config, e.g. `workspaces[2].credentials[0].plan`. */
  readonly path: string;
  readonly roleName: string;
  /** The Terraform name of the role and its companions, e.g. `ws_networking-prod`. */
  readonly address: string;
  /** The `sub` pattern of its trust policy. */
  readonly subject: string;
  readonly policyArns: readonly string[];
  readonly inlinePolicy?: Readonly<Record<string, unknown>>;
  readonly iamPath?: string;
  readonly permissionsBoundary?: string;
  readonly maxSessionDuration?: number;
  readonly description: string;
  /** Tags written on the role: the config's, then the ones this app manages. */
  readonly tags: Readonly<Record<string, string>>;
  /** Whether the entry accepts administrator access (`allowAdmin: true`). */
  readonly allowAdmin: boolean;
  /** The trust policy JSON exactly as written to `assume_role_policy`, for a given provider ARN. */
  trustPolicyJson(providerArn: string): string;
}

/** What an entry grants, as the planner reads it. */
interface GrantSource {
  readonly policyArns: readonly string[];
  readonly inlinePolicy?: Record<string, unknown> | undefined;
  readonly plan?: PhaseConfig | undefined;
  readonly apply?: PhaseConfig | undefined;
}

/** The roles a validated config asks for: workspaces (with their credentials) first, then projects. */
export function planRoles(config: TrustConfig): PlannedRole[] {
  const accountNames = Object.keys(accountsOf(config));
  const onlyAccount = accountNames.length === 1 ? accountNames[0] : undefined;
  const accountOf = (name: string | undefined) => name ?? onlyAccount ?? "";
  const roles: PlannedRole[] = [];

  config.workspaces?.forEach((workspace, index) => {
    const owner: RoleOwner = { kind: "workspace", workspace, index };
    const path = `workspaces[${index}]`;
    if (grants(workspace)) {
      roles.push(
        ...planGrant(config, owner, workspace, accountOf(workspace.account), path, undefined),
      );
    }
    workspace.credentials?.forEach((credential: CredentialConfig, j) => {
      const account = accountOf(credential.account ?? workspace.account);
      roles.push(
        ...planGrant(
          config,
          owner,
          credential,
          account,
          `${path}.credentials[${j}]`,
          credential.tag,
        ),
      );
    });
  });
  config.projects?.forEach((project, index) => {
    const owner: RoleOwner = { kind: "project", project, index };
    roles.push(
      ...planGrant(
        config,
        owner,
        project,
        accountOf(project.account),
        `projects[${index}]`,
        undefined,
      ),
    );
  });
  return roles;
}

function grants(entry: GrantSource): boolean {
  return (
    entry.policyArns.length > 0 ||
    entry.inlinePolicy !== undefined ||
    entry.plan !== undefined ||
    entry.apply !== undefined
  );
}

function planGrant(
  config: TrustConfig,
  owner: RoleOwner,
  entry: GrantSource & RoleOptions,
  account: string,
  path: string,
  tag: string | undefined,
): PlannedRole[] {
  const allowAdmin =
    owner.kind === "workspace" ? owner.workspace.allowAdmin : owner.project.allowAdmin;
  if (entry.plan === undefined || entry.apply === undefined) {
    return [
      planRole(config, {
        owner,
        account,
        path,
        tag,
        phase: "run",
        allowAdmin,
        permissions: entry,
        options: entry,
      }),
    ];
  }
  const { plan, apply } = entry;
  return (
    [
      ["plan", plan],
      ["apply", apply],
    ] as const
  ).map(([phase, block]) =>
    planRole(config, {
      owner,
      account,
      path: `${path}.${phase}`,
      tag,
      phase,
      allowAdmin,
      permissions: block,
      options: { ...withoutName(entry), ...defined(block) },
    }),
  );
}

function withoutName(options: RoleOptions): RoleOptions {
  const { roleName: _, ...rest } = options;
  return rest;
}

/** The keys of an object whose values are set, so they can override others in a spread. */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface RoleInput {
  readonly owner: RoleOwner;
  readonly account: string;
  readonly path: string;
  readonly tag: string | undefined;
  readonly phase: Phase;
  readonly allowAdmin: boolean;
  readonly permissions: GrantSource;
  readonly options: RoleOptions;
}

function planRole(config: TrustConfig, input: RoleInput): PlannedRole {
  const { organization, hostname, audience } = config.hcp;
  const { owner, phase, tag } = input;
  const options: RoleOptions = { ...defined(config.defaults ?? {}), ...defined(input.options) };
  const phaseMatch: RunPhaseMatch = phase === "run" ? "*" : phase;
  const suffix = [...(tag === undefined ? [] : [tag]), ...(phase === "run" ? [] : [phase])];

  let subject: string;
  let nameParts: string[];
  let address: string;
  let who: string;
  const managedTags: Record<string, string> = { ManagedBy: PRODUCT, HcpOrganization: organization };
  if (owner.kind === "workspace") {
    const ws = owner.workspace;
    subject = subjectPattern({
      organization,
      project: ws.project,
      workspace: ws.name,
      phase: phaseMatch,
    });
    nameParts = [organization, ws.name, ...suffix];
    address = [
      `ws_${ws.name}`,
      ...(tag === undefined ? [] : [`tag_${tag}`]),
      ...(phase === "run" ? [] : [phase]),
    ].join("_");
    who = `workspace ${organization}/${ws.name} (${ws.project === undefined ? "any project" : `project "${ws.project}"`})`;
    if (ws.project !== undefined) managedTags.HcpProject = ws.project;
    managedTags.HcpWorkspace = ws.name;
  } else {
    const project = owner.project;
    subject = subjectPattern({
      organization,
      project: project.name,
      workspace: "*",
      phase: phaseMatch,
    });
    // The same form as in stack names: spaces become "-", with a hash of the name.
    nameParts = [organization, "project", projectSlug(project.name), ...suffix];
    address = [terraformName(`project_${project.name}`), ...(phase === "run" ? [] : [phase])].join(
      "_",
    );
    who = `any workspace of project "${project.name}" in ${organization}`;
    managedTags.HcpProject = project.name;
  }
  if (phase !== "run") managedTags.HcpRunPhase = phase;
  if (tag !== undefined) managedTags.HcpCredentialTag = tag;

  const runs = phase === "run" ? "runs" : `${phase} runs`;
  const tagNote = tag === undefined ? "" : ` (credentials tag ${tag})`;
  return {
    account: input.account,
    owner,
    ...(tag === undefined ? {} : { tag }),
    phase,
    path: input.path,
    roleName: options.roleName ?? roleName(nameParts),
    address,
    subject,
    policyArns: input.permissions.policyArns,
    ...(input.permissions.inlinePolicy === undefined
      ? {}
      : { inlinePolicy: input.permissions.inlinePolicy }),
    ...(options.path === undefined ? {} : { iamPath: options.path }),
    ...(options.permissionsBoundary === undefined
      ? {}
      : { permissionsBoundary: options.permissionsBoundary }),
    ...(options.maxSessionDuration === undefined
      ? {}
      : { maxSessionDuration: options.maxSessionDuration }),
    description:
      options.description ??
      `Assumed by HCP Terraform ${runs} of ${who}${tagNote}. Managed by ${PRODUCT}.`,
    tags: { ...config.defaults?.tags, ...options.tags, ...managedTags },
    allowAdmin: input.allowAdmin,
    trustPolicyJson: (providerArn: string) =>
      trustPolicyJson({ hostname, audience, providerArn, subject }),
  };
}

/** The ID of an account if the config reveals it (given, or in a reused provider or deploy role ARN). */
export function knownAccountId(account: AccountConfig): string | undefined {
  if (account.accountId !== undefined) return account.accountId;
  const provider =
    account.oidcProviderArn === undefined
      ? undefined
      : parseOidcProviderArn(account.oidcProviderArn);
  if (provider !== undefined) return provider.accountId;
  const deployer =
    account.assumeRoleArn === undefined ? undefined : parseRoleArn(account.assumeRoleArn);
  return deployer?.accountId;
}

/** The provider ARN of an account as it will be once deployed: the reused ARN, or the ARN a created provider gets. */
export function expectedProviderArn(config: TrustConfig, account: AccountConfig): string {
  if (account.oidcProviderArn !== undefined) return account.oidcProviderArn;
  return oidcProviderArnFor(
    config.hcp.hostname,
    partitionOfRegion(account.region),
    knownAccountId(account) ?? UNKNOWN_ACCOUNT_ID,
  );
}

/** The ARN a role will have: `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`. */
export function roleArn(role: PlannedRole, account: AccountConfig, accountId: string): string {
  return `arn:${partitionOfRegion(account.region)}:iam::${accountId}:role${role.iamPath ?? "/"}${role.roleName}`;
}

/** The environment variables HCP Terraform reads, for one workspace or project. */
export interface PlannedVariable {
  readonly key: string;
  /** A fixed value, or the role whose ARN is the value. */
  readonly value: string | PlannedRole;
}

/** Where variables go: a workspace's own variables, or a project's variable set. */
export interface VariableTarget {
  readonly owner: RoleOwner;
  readonly variables: readonly PlannedVariable[];
}

/**
 * The variables each workspace and project needs, from its roles.
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration#configure-hcp-terraform
 */
export function planVariables(
  config: TrustConfig,
  roles: readonly PlannedRole[],
): VariableTarget[] {
  const targets = new Map<string, { owner: RoleOwner; roles: PlannedRole[] }>();
  for (const role of roles) {
    const key = `${role.owner.kind}:${role.owner.index}`;
    const target = targets.get(key) ?? { owner: role.owner, roles: [] };
    target.roles.push(role);
    targets.set(key, target);
  }
  return [...targets.values()].map(({ owner, roles: own }) => {
    const variables: PlannedVariable[] = [];
    const tags = [...new Set(own.map((role) => role.tag))];
    for (const tag of tags) {
      const suffix = tag === undefined ? "" : `_${tag}`;
      variables.push({ key: `TFC_AWS_PROVIDER_AUTH${suffix}`, value: "true" });
      for (const role of own.filter((r) => r.tag === tag)) {
        variables.push({
          key: `TFC_AWS_${role.phase.toUpperCase()}_ROLE_ARN${suffix}`,
          value: role,
        });
      }
      // Runs send the default audience unless told otherwise; setting it anyway would only add noise.
      if (config.hcp.audience !== DEFAULT_AUDIENCE) {
        variables.push({
          key: `TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE${suffix}`,
          value: config.hcp.audience,
        });
      }
    }
    return { owner, variables };
  });
}
