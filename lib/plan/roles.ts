import type {
  PhaseConfig,
  ProjectConfig,
  RoleOptions,
  TrustConfig,
  WorkspaceConfig,
} from "../config/schema";
import { PRODUCT } from "../product";
import { roleName } from "../role-name";
import { subjectPattern } from "../trust-policy";
import { roleArnFor } from "./accounts";
import type { Owner, Phase, PlannedAccount, PlannedRole } from "./model";
import { projectKey, projectSlug, roleKey, workspaceKey } from "./naming";

/** What an entry grants, as the planner reads it. */
export interface GrantSource {
  readonly policyArns: readonly string[];
  readonly inlinePolicy?: Readonly<Record<string, unknown>> | undefined;
  readonly plan?: PhaseConfig | undefined;
  readonly apply?: PhaseConfig | undefined;
}

/** Whether an entry grants anything by itself: permissions for both phases, or a plan/apply split. */
export function grants(entry: GrantSource): boolean {
  return (
    entry.policyArns.length > 0 ||
    entry.inlinePolicy !== undefined ||
    entry.plan !== undefined ||
    entry.apply !== undefined
  );
}

/** The owner of a workspace entry, as plain data. */
export function workspaceOwner(workspace: WorkspaceConfig, index: number): Owner {
  return {
    kind: "workspace",
    name: workspace.name,
    ...(workspace.project === undefined ? {} : { project: workspace.project }),
    create: workspace.create,
    path: `workspaces[${index}]`,
  };
}

/** The owner of a project entry, as plain data. */
export function projectOwner(project: ProjectConfig, index: number): Owner {
  return { kind: "project", name: project.name, path: `projects[${index}]` };
}

/** The key of an owner: `ws_NAME` or `project_NAME`. */
export function ownerKey(owner: Owner): string {
  return owner.kind === "workspace" ? workspaceKey(owner.name) : projectKey(owner.name);
}

/** The roles a validated config asks for: workspaces (with their credentials) first, then projects. */
export function planRoles(config: TrustConfig, accounts: readonly PlannedAccount[]): PlannedRole[] {
  const byName = new Map(accounts.map((account) => [account.name, account]));
  const only = accounts.length === 1 ? accounts[0]?.name : undefined;
  const accountOf = (name: string | undefined): PlannedAccount => {
    const account = byName.get(name ?? only ?? "");
    if (account === undefined) throw new Error(`a validated config names no account ${name}`);
    return account;
  };
  const roles: PlannedRole[] = [];
  config.workspaces?.forEach((workspace, index) => {
    const owner = workspaceOwner(workspace, index);
    const base = { config, owner, allowAdmin: workspace.allowAdmin };
    if (grants(workspace)) {
      roles.push(
        ...planGrant({
          ...base,
          entry: workspace,
          account: accountOf(workspace.account),
          path: owner.path,
        }),
      );
    }
    workspace.credentials?.forEach((credential, j) => {
      roles.push(
        ...planGrant({
          ...base,
          entry: credential,
          account: accountOf(credential.account ?? workspace.account),
          path: `${owner.path}.credentials[${j}]`,
          tag: credential.tag,
        }),
      );
    });
  });
  config.projects?.forEach((project, index) => {
    const owner = projectOwner(project, index);
    roles.push(
      ...planGrant({
        config,
        owner,
        allowAdmin: project.allowAdmin,
        entry: project,
        account: accountOf(project.account),
        path: owner.path,
      }),
    );
  });
  return roles;
}

interface GrantInput {
  readonly config: TrustConfig;
  readonly owner: Owner;
  readonly allowAdmin: boolean;
  readonly entry: GrantSource & RoleOptions;
  readonly account: PlannedAccount;
  readonly path: string;
  readonly tag?: string;
}

function planGrant(input: GrantInput): PlannedRole[] {
  const { entry } = input;
  if (entry.plan === undefined || entry.apply === undefined) {
    return [planRole(input, "run", entry, entry)];
  }
  const split: ReadonlyArray<readonly [Phase, PhaseConfig]> = [
    ["plan", entry.plan],
    ["apply", entry.apply],
  ];
  return split.map(([phase, block]) =>
    planRole({ ...input, path: `${input.path}.${phase}` }, phase, block, {
      ...withoutName(entry),
      ...defined(block),
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

function planRole(
  input: GrantInput,
  phase: Phase,
  permissions: GrantSource,
  entryOptions: RoleOptions,
): PlannedRole {
  const { config, owner, tag, account } = input;
  const { organization } = config.hcp;
  const options: RoleOptions = { ...defined(config.defaults ?? {}), ...defined(entryOptions) };
  const suffix = [...(tag === undefined ? [] : [tag]), ...(phase === "run" ? [] : [phase])];
  const managedTags: Record<string, string> = { ManagedBy: PRODUCT, HcpOrganization: organization };
  let nameParts: string[];
  let who: string;
  if (owner.kind === "workspace") {
    nameParts = [organization, owner.name, ...suffix];
    who = `workspace ${organization}/${owner.name} (${owner.project === undefined ? "any project" : `project "${owner.project}"`})`;
    if (owner.project !== undefined) managedTags.HcpProject = owner.project;
    managedTags.HcpWorkspace = owner.name;
  } else {
    // The same form as in stack names: spaces become "-", with a hash of the name.
    nameParts = [organization, "project", projectSlug(owner.name), ...suffix];
    who = `any workspace of project "${owner.name}" in ${organization}`;
    managedTags.HcpProject = owner.name;
  }
  if (phase !== "run") managedTags.HcpRunPhase = phase;
  if (tag !== undefined) managedTags.HcpCredentialTag = tag;
  const subject = subjectPattern({
    organization,
    ...(owner.kind === "workspace"
      ? {
          ...(owner.project === undefined ? {} : { project: owner.project }),
          workspace: owner.name,
        }
      : { project: owner.name, workspace: "*" }),
    phase: phase === "run" ? "*" : phase,
  });
  const runs = phase === "run" ? "runs" : `${phase} runs`;
  const tagNote = tag === undefined ? "" : ` (credentials tag ${tag})`;
  const name = options.roleName ?? roleName(nameParts);
  const iamPath = options.path ?? "/";
  return {
    key: roleKey(ownerKey(owner), tag, phase),
    account: account.name,
    owner,
    ...(tag === undefined ? {} : { tag }),
    phase,
    path: input.path,
    roleName: name,
    ...(account.accountId === undefined
      ? {}
      : { arn: roleArnFor(account.partition, account.accountId, iamPath, name) }),
    subject,
    policyArns: permissions.policyArns,
    ...(permissions.inlinePolicy === undefined ? {} : { inlinePolicy: permissions.inlinePolicy }),
    iamPath,
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
  };
}
