/**
 * What the config expects to find live, as plain data: the one place where `adopt` and `doctor`
 * read the planner. Everything else under `lib/live/` works on these types only.
 */
import type { TrustConfig } from "../config/schema";
import { oidcProviderArnFor } from "../iam/web-identity";
import { planTrust } from "../plan";
import { roleArnFor } from "../plan/accounts";
import { variableSetName } from "../plan/members";
import type { Owner, PlannedRole } from "../plan/model";
import { type TrustedNames, trustedNames } from "../plan/pins";
import { type PolicyDocument, trustPolicyDocument } from "../trust-policy";

/** An AWS account of the config, and the OIDC provider its roles trust. */
export interface ExpectedAccount {
  /** The account's name in the config (`default` for the `aws` block). */
  readonly name: string;
  readonly region: string;
  readonly partition: string;
  /** The 12-digit ID when the config reveals it. */
  readonly accountId?: string;
  readonly assumeRoleArn?: string;
  /** The provider's host (`hcp.hostname`) and the audience it must accept. */
  readonly host: string;
  readonly audience: string;
  /** Set when the config reuses a provider (`oidcProviderArn`): the app neither creates nor adopts it. */
  readonly reusedProviderArn?: string;
}

/** A role the config asks for, with everything doctor and adopt compare. */
export interface ExpectedRole {
  readonly account: string;
  readonly name: string;
  /** The IAM path, `/` unless set. */
  readonly path: string;
  /** Whose runs it admits: one workspace (with its project, if any) or every workspace of a project. */
  readonly owner:
    | { readonly kind: "workspace"; readonly workspace: string; readonly project?: string }
    | { readonly kind: "project"; readonly project: string }
    | {
        readonly kind: "stack";
        readonly project: string;
        readonly stack: string;
        readonly deployment?: string;
      }
    | { readonly kind: "module"; readonly module: string; readonly provider: string }
    | { readonly kind: "hyok"; readonly hyok: string };
  readonly phase: "run" | "plan" | "apply";
  readonly tag?: string;
  /** The `sub` pattern its trust matches. */
  readonly subject: string;
  readonly policyArns: readonly string[];
  /** The inline policy, under the name the synth gives it. */
  readonly inlinePolicy?: { readonly name: string; readonly document: Record<string, unknown> };
}

/** A variable's planned value: a literal, or the ARN of a role (known once its account ID is). */
export type ExpectedValue = string | { readonly roleOf: ExpectedRole };

export interface ExpectedVariable {
  readonly key: string;
  readonly value: ExpectedValue;
}

/** A workspace named in the config, with the variables the app writes on it. */
export interface ExpectedWorkspace {
  readonly name: string;
  /** The account whose stacks write its variables (and create it): that of its first role. */
  readonly account: string;
  readonly project?: string;
  /** Created by the app (`create: true`) rather than looked up. */
  readonly create: boolean;
  readonly variables: readonly ExpectedVariable[];
}

/** The variable set of a project-wide role, attached to its project. */
export interface ExpectedVariableSet {
  readonly name: string;
  /** The account whose stacks write the set and its variables: that of its first role. */
  readonly account: string;
  readonly project: string;
  readonly variables: readonly ExpectedVariable[];
}

/** A HYOK configuration of the config, as HCP Terraform should hold it. */
export interface ExpectedHyok {
  readonly name: string;
  /** The account of its role. */
  readonly account: string;
  /** Its role, whose ARN its AWS OIDC configuration names. */
  readonly role: ExpectedRole;
  /** `kek_id`, as the config gives the key. */
  readonly kekId: string;
  readonly keyRegion: string;
  readonly agentPool: string;
}

export interface ExpectedState {
  readonly organization: string;
  readonly hostname: string;
  readonly audience: string;
  readonly accounts: readonly ExpectedAccount[];
  readonly roles: readonly ExpectedRole[];
  readonly workspaces: readonly ExpectedWorkspace[];
  readonly variableSets: readonly ExpectedVariableSet[];
  /** The HYOK configurations (not retired). */
  readonly hyok: readonly ExpectedHyok[];
  /** The organization, projects, workspaces and Stacks the roles trust by name: what is pinned. */
  readonly trusted: TrustedNames;
}

/** The name the synth gives a role's inline policy. */
const INLINE_POLICY_NAME = "inline";

/** What a validated config expects to be live: the plan, as `adopt` and `doctor` compare it. */
export function expectedState(config: TrustConfig): ExpectedState {
  const plan = planTrust(config);
  const { organization, hostname, audience } = plan.hcp;
  const accounts = plan.accounts.map(
    (account): ExpectedAccount => ({
      name: account.name,
      region: account.region,
      partition: account.partition,
      ...optional("accountId", account.accountId),
      ...optional("assumeRoleArn", account.assumeRoleArn),
      host: hostname,
      audience,
      ...optional(
        "reusedProviderArn",
        account.oidcProvider.kind === "reused" ? account.oidcProvider.arn : undefined,
      ),
    }),
  );
  const byKey = new Map<string, ExpectedRole>();
  const roles = plan.roles.map((role) => {
    const expected = toExpectedRole(role);
    byKey.set(role.key, expected);
    return expected;
  });
  const workspaces: ExpectedWorkspace[] = [];
  const variableSets: ExpectedVariableSet[] = [];
  const accountOf = new Map(
    plan.stacks.flatMap((stack) => stack.targets.map((t) => [t.key, stack.account] as const)),
  );
  for (const { key: targetKey, owner, variables } of plan.targets) {
    const values = variables.map(({ key, value }): ExpectedVariable => {
      if (value.kind === "text") return { key, value: value.text };
      const role = byKey.get(value.role);
      if (role === undefined) throw new Error(`${key} names no planned role ${value.role}`);
      return { key, value: { roleOf: role } };
    });
    // A module's test variables are not read back (yet): its role is still checked in AWS.
    if (owner.kind === "module" || owner.kind === "stack") continue;
    const account = accountOf.get(targetKey);
    if (account === undefined) throw new Error(`the variables of ${targetKey} are in no stack`);
    if (owner.kind === "workspace") {
      workspaces.push({
        name: owner.name,
        account,
        ...optional("project", owner.project),
        create: owner.create,
        variables: values,
      });
    } else {
      variableSets.push({
        name: variableSetName(owner.name),
        account,
        project: owner.name,
        variables: values,
      });
    }
  }
  const trusted = trustedNames(
    organization,
    plan.roles.map((role) => role.owner),
  );
  const hyok = plan.roles.flatMap((role): ExpectedHyok[] => {
    const expected = byKey.get(role.key);
    if (role.owner.kind !== "hyok" || expected === undefined) return [];
    return [
      {
        name: role.owner.name,
        account: role.account,
        role: expected,
        kekId: role.owner.kms.kekId,
        keyRegion: role.owner.kms.region,
        agentPool: role.owner.agentPool,
      },
    ];
  });
  return {
    organization,
    hostname,
    audience,
    accounts,
    roles,
    workspaces,
    variableSets,
    hyok,
    trusted,
  };
}

function expectedOwner(owner: Owner): ExpectedRole["owner"] {
  switch (owner.kind) {
    case "workspace":
      return { kind: "workspace", workspace: owner.name, ...optional("project", owner.project) };
    case "project":
      return { kind: "project", project: owner.name };
    case "stack":
      return {
        kind: "stack",
        project: owner.project,
        stack: owner.name,
        ...optional("deployment", owner.deployment),
      };
    case "module":
      return { kind: "module", module: owner.name, provider: owner.provider };
    case "hyok":
      return { kind: "hyok", hyok: owner.name };
  }
}

function toExpectedRole(role: PlannedRole): ExpectedRole {
  const owner = expectedOwner(role.owner);
  return {
    account: role.account,
    name: role.roleName,
    path: role.iamPath,
    owner,
    phase: role.phase,
    ...optional("tag", role.tag),
    subject: role.subject,
    policyArns: role.policyArns,
    ...(role.inlinePolicy === undefined
      ? {}
      : { inlinePolicy: { name: INLINE_POLICY_NAME, document: { ...role.inlinePolicy } } }),
  };
}

/**
 * What one account's credentials can check: its AWS side (every account stays in `accounts`, for
 * the ARNs of its roles), and the workspaces and variable sets whose variables its stacks write.
 */
export function scopedTo(state: ExpectedState, account: string): ExpectedState {
  const workspaces = state.workspaces.filter((ws) => ws.account === account);
  const names = new Set(workspaces.map((ws) => ws.name));
  return {
    ...state,
    workspaces,
    variableSets: state.variableSets.filter((set) => set.account === account),
    hyok: state.hyok.filter((h) => h.account === account),
    // Pins too are read for this account's workspaces only.
    trusted: {
      ...state.trusted,
      workspaces: state.trusted.workspaces.filter((name) => names.has(name)),
    },
  };
}

/** The ARN of the provider the account's roles trust, given the account's ID. */
export function providerArn(account: ExpectedAccount, accountId: string): string {
  return (
    account.reusedProviderArn ?? oidcProviderArnFor(account.host, account.partition, accountId)
  );
}

/** The trust policy the synth writes for a role, as AWS stores it (no Terraform escapes). */
export function trustPolicy(
  state: ExpectedState,
  role: ExpectedRole,
  providerArnOfRole: string,
): PolicyDocument {
  return trustPolicyDocument({
    hostname: state.hostname,
    audience: state.audience,
    providerArn: providerArnOfRole,
    subject: role.subject,
  });
}

/** The ARN a role has in an account: `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`. */
export function roleArnIn(account: ExpectedAccount, role: ExpectedRole, accountId: string): string {
  return roleArnFor(account.partition, accountId, role.path, role.name);
}

/**
 * A planned value as it will be written: literals as they are, role ARNs with the account IDs
 * found live (`accountIds` by account name). Undefined when that account's ID is unknown.
 */
export function resolveValue(
  state: ExpectedState,
  value: ExpectedValue,
  accountIds: ReadonlyMap<string, string>,
): string | undefined {
  if (typeof value === "string") return value;
  const role = value.roleOf;
  const account = state.accounts.find((a) => a.name === role.account);
  const accountId = accountIds.get(role.account) ?? account?.accountId;
  if (account === undefined || accountId === undefined) return undefined;
  return roleArnIn(account, role, accountId);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
