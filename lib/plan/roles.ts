import { knownAccountId, partitionOfRegion } from "../config/arns";
import { parseKmsKey } from "../config/hyok";
import { ANY_DEPLOYMENT, moduleSubjectName } from "../config/run-kinds";
import type {
  AccountConfig,
  HyokEntryConfig,
  ModuleConfig,
  PhaseConfig,
  ProjectConfig,
  RoleOptions,
  StackConfig,
  TrustConfig,
  WorkspaceConfig,
} from "../config/schema";
import { PRODUCT } from "../product";
import { roleName } from "../role-name";
import {
  hyokSubject,
  moduleTestSubject,
  stackSubjectPattern,
  subjectPattern,
} from "../trust-policy";
import { roleArnFor } from "./accounts";
import type { HyokOwner, Owner, Phase, PlannedAccount, PlannedKmsKey, PlannedRole } from "./model";
import {
  hyokKey,
  moduleKey,
  projectKey,
  projectSlug,
  roleKey,
  stackKey,
  workspaceKey,
} from "./naming";
import { type Pins, pinnedId } from "./pins";

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

/** The owners of a Stack entry: one per deployment, or one for every deployment (`any`). */
export function stackOwners(stack: StackConfig, index: number): Owner[] {
  const deployments = stack.deployments === ANY_DEPLOYMENT ? [undefined] : stack.deployments;
  return deployments.map((deployment) => ({
    kind: "stack",
    name: stack.name,
    project: stack.project,
    ...(deployment === undefined ? {} : { deployment }),
    path: `stacks[${index}]`,
  }));
}

/** The owner of a registry module entry, as plain data. */
export function moduleOwner(module: ModuleConfig, index: number): Owner {
  return {
    kind: "module",
    name: module.name,
    provider: module.provider,
    subjectName: moduleSubjectName(module),
    path: `modules[${index}]`,
  };
}

/**
 * The owner of a HYOK entry, with its key as planned: the key ARN (or, for an alias, every key of
 * the alias's account and region, narrowed by `kms:ResourceAliases`) and the listed actions.
 * https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html (ABAC by alias)
 */
export function hyokOwner(
  entry: HyokEntryConfig,
  index: number,
  account: PlannedAccount,
  accountConfig: AccountConfig | undefined,
): HyokOwner {
  const key = parseKmsKey(entry.kmsKey);
  if (key === undefined) throw new Error(`a validated config has kmsKey ${entry.kmsKey}`);
  const region = key.region ?? entry.region ?? account.region;
  let kms: PlannedKmsKey;
  if (key.form === "key") {
    kms = { kekId: entry.kmsKey, region, resource: entry.kmsKey, actions: entry.kmsActions };
  } else {
    const partition = key.partition ?? partitionOfRegion(region);
    const accountId =
      key.accountId ??
      account.accountId ??
      (accountConfig === undefined ? undefined : knownAccountId(accountConfig));
    if (accountId === undefined)
      throw new Error(`a validated config knows the account of alias ${entry.kmsKey}`);
    kms = {
      kekId: entry.kmsKey,
      region,
      resource: `arn:${partition}:kms:${region}:${accountId}:key/*`,
      alias: key.alias,
      actions: entry.kmsActions,
    };
  }
  return {
    kind: "hyok",
    name: entry.name,
    agentPool: entry.agentPool,
    kms,
    path: `hyok[${index}]`,
  };
}

/** The inline policy of a HYOK role: the listed KMS actions on its one key, nothing else. */
export function kmsKeyPolicy(kms: PlannedKmsKey): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "HyokKeyEncryptionKey",
        Effect: "Allow",
        Action: [...kms.actions],
        Resource: kms.resource,
        ...(kms.alias === undefined
          ? {}
          : { Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": kms.alias } } }),
      },
    ],
  };
}

/** The key of an owner: `ws_NAME`, `project_NAME`, `stack_NAME.DEPLOYMENT`, `module_NAME.PROVIDER` or `hyok_NAME`. */
export function ownerKey(owner: Owner): string {
  switch (owner.kind) {
    case "workspace":
      return workspaceKey(owner.name);
    case "project":
      return projectKey(owner.name);
    case "stack":
      return stackKey(owner.name, owner.deployment);
    case "module":
      return moduleKey(owner.name, owner.provider);
    case "hyok":
      return hyokKey(owner.name);
  }
}

/** The roles a validated config asks for: workspaces (with their credentials) first, then projects. */
export function planRoles(
  config: TrustConfig,
  accounts: readonly PlannedAccount[],
  pins?: Pins,
): PlannedRole[] {
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
    const base = { config, pins, owner, allowAdmin: workspace.allowAdmin };
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
        pins,
        owner,
        allowAdmin: project.allowAdmin,
        entry: project,
        account: accountOf(project.account),
        path: owner.path,
      }),
    );
  });
  config.stacks?.forEach((stack, index) => {
    for (const owner of stackOwners(stack, index)) {
      roles.push(
        ...planGrant({
          config,
          pins,
          owner,
          allowAdmin: stack.allowAdmin,
          entry: stack,
          account: accountOf(stack.account),
          path: owner.path,
        }),
      );
    }
  });
  config.modules?.forEach((module, index) => {
    const owner = moduleOwner(module, index);
    roles.push(
      ...planGrant({
        config,
        pins,
        owner,
        allowAdmin: module.allowAdmin,
        entry: module,
        account: accountOf(module.account),
        path: owner.path,
      }),
    );
  });
  config.hyok?.forEach((entry, index) => {
    if (entry.retired) return;
    const account = accountOf(entry.account);
    const accountConfig = config.accounts?.[account.name] ?? config.aws;
    const owner = hyokOwner(entry, index, account, accountConfig);
    const [role] = planGrant({
      config,
      pins,
      owner,
      allowAdmin: false,
      entry: { ...entry, policyArns: [], inlinePolicy: kmsKeyPolicy(owner.kms) },
      account,
      path: owner.path,
    });
    if (role !== undefined) roles.push({ ...role, allowKmsWildcards: entry.allowKmsWildcards });
  });
  return roles;
}

interface GrantInput {
  readonly config: TrustConfig;
  /** The pinned IDs, tagged on each role (`trust.pins.json`). */
  readonly pins?: Pins | undefined;
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
  const { nameParts, who, subject } = describeOwner(
    owner,
    organization,
    suffix,
    managedTags,
    phase,
  );
  Object.assign(managedTags, pinTags(owner, input.pins));
  if (phase !== "run") managedTags.HcpRunPhase = phase;
  if (tag !== undefined) managedTags.HcpCredentialTag = tag;
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
      options.description ?? `Assumed by HCP Terraform ${who}${tagNote}. Managed by ${PRODUCT}.`,
    tags: { ...config.defaults?.tags, ...options.tags, ...managedTags },
    allowAdmin: input.allowAdmin,
  };
}

/**
 * The pinned IDs of whom a role was made for, as tags (`HcpOrganizationId`, `HcpProjectId`,
 * `HcpWorkspaceId`, `HcpStackId`): with them a role says which objects its trust meant, whatever
 * later holds their names. Only pinned IDs are written; each is at most 68 characters.
 */
export function pinTags(owner: Owner, pins: Pins | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  const set = (key: string, id: string | undefined) => {
    if (id !== undefined) tags[key] = id;
  };
  set("HcpOrganizationId", pinnedId(pins, "organization", ""));
  switch (owner.kind) {
    case "workspace":
      if (owner.project !== undefined)
        set("HcpProjectId", pinnedId(pins, "project", owner.project));
      set("HcpWorkspaceId", pinnedId(pins, "workspace", owner.name));
      break;
    case "project":
      set("HcpProjectId", pinnedId(pins, "project", owner.name));
      break;
    case "stack":
      set("HcpProjectId", pinnedId(pins, "project", owner.project));
      set("HcpStackId", pinnedId(pins, "stack", owner.name, owner.project));
      break;
    case "module":
    case "hyok":
      break;
  }
  return tags;
}

/** How a role of an owner is named, described and trusted; fills in the owner's managed tags. */
function describeOwner(
  owner: Owner,
  organization: string,
  suffix: readonly string[],
  managedTags: Record<string, string>,
  phase: Phase,
): { nameParts: string[]; who: string; subject: string } {
  const runs = phase === "run" ? "runs" : `${phase} runs`;
  const phaseMatch = phase === "run" ? "*" : phase;
  switch (owner.kind) {
    case "workspace":
      if (owner.project !== undefined) managedTags.HcpProject = owner.project;
      managedTags.HcpWorkspace = owner.name;
      return {
        nameParts: [organization, owner.name, ...suffix],
        who: `${runs} of workspace ${organization}/${owner.name} (${owner.project === undefined ? "any project" : `project "${owner.project}"`})`,
        subject: subjectPattern({
          organization,
          ...(owner.project === undefined ? {} : { project: owner.project }),
          workspace: owner.name,
          phase: phaseMatch,
        }),
      };
    case "project":
      managedTags.HcpProject = owner.name;
      return {
        // The same form as in stack names: spaces become "-", with a hash of the name.
        nameParts: [organization, "project", projectSlug(owner.name), ...suffix],
        who: `${runs} of any workspace of project "${owner.name}" in ${organization}`,
        subject: subjectPattern({
          organization,
          project: owner.name,
          workspace: "*",
          phase: phaseMatch,
        }),
      };
    case "stack": {
      managedTags.HcpProject = owner.project;
      managedTags.HcpStack = owner.name;
      if (owner.deployment !== undefined) managedTags.HcpDeployment = owner.deployment;
      const deployment =
        owner.deployment === undefined ? "every deployment" : `deployment ${owner.deployment}`;
      return {
        nameParts: [
          organization,
          "stack",
          owner.name,
          ...(owner.deployment === undefined ? [] : [owner.deployment]),
        ],
        who: `Stack operations of ${deployment} of stack "${owner.name}" (project "${owner.project}") in ${organization}`,
        subject: stackSubjectPattern({
          organization,
          project: owner.project,
          stack: owner.name,
          deployment: owner.deployment,
        }),
      };
    }
    case "module":
      managedTags.HcpModule = `${owner.name}/${owner.provider}`;
      return {
        nameParts: [organization, "module", owner.name, owner.provider],
        who: `test runs of registry module ${organization}/${owner.name}/${owner.provider}`,
        subject: moduleTestSubject({ organization, module: owner.subjectName }),
      };
    case "hyok":
      managedTags.HcpHyokConfiguration = owner.name;
      return {
        nameParts: [organization, "hyok", owner.name],
        who: `agents of HYOK configuration ${owner.name} in ${organization}, for KMS key ${owner.kms.kekId}`,
        subject: hyokSubject({ organization, name: owner.name }),
      };
  }
}
