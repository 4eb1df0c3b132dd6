/**
 * How HCP Terraform picks the AWS role (and audience) a run uses, from the variables that apply
 * to its workspace. A pure model: no API calls, no Terraform.
 *
 * Two steps, each from HCP Terraform's documentation:
 *
 * 1. Variable precedence, per key (variables of one category and key conflict; different keys
 *    never do). Highest first
 *    (https://developer.hashicorp.com/terraform/cloud-docs/workspaces/variables#precedence and
 *    #precedence-with-priority-variable-sets):
 *    priority global set; priority project-scoped set (owned by the organization, then by a
 *    project); priority workspace-scoped set (organization-owned, then project-owned);
 *    workspace-specific variables; workspace-scoped set (project-owned, then
 *    organization-owned); project-scoped set (project-owned, then organization-owned); global
 *    set. Among sets of the same rank, the one whose name comes first in the lexical order of
 *    Unicode code points wins (`A_Variable_Set` over `B_Variable_Set`). Run-specific variables
 *    (`-var`, `TF_VAR_*`) are Terraform variables, not the environment variables read here.
 *
 * 2. The AWS dynamic credentials variables
 *    (https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration
 *    and .../specifying-multiple-configurations): a configuration (the default one, or one per
 *    `_TAG` suffix) authenticates only if `TFC_AWS_PROVIDER_AUTH[_TAG]` is `true`; the plan uses
 *    `TFC_AWS_PLAN_ROLE_ARN[_TAG]` and the apply `TFC_AWS_APPLY_ROLE_ARN[_TAG]`, each falling back
 *    to `TFC_AWS_RUN_ROLE_ARN[_TAG]` only when absent; the audience is
 *    `TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE[_TAG]`, default `aws.workload.identity`. The
 *    `TFC_DEFAULT_AWS_*` forms give a value to a key that is absent (there is no default form of
 *    `TFC_AWS_PROVIDER_AUTH`); the docs do not order a default plan role against a run role of
 *    the configuration itself: read here as each key first (own, then default), then the
 *    phase's fallback to the run role.
 */

/** Where a variable set applies. */
export type VariableSetScope = "global" | "project" | "workspace";

/** An HCP Terraform variable: `env` (what dynamic credentials read) unless said otherwise. */
export interface HcpVariable {
  readonly key: string;
  readonly value: string;
  /** @default "env" */
  readonly category?: "env" | "terraform";
}

/** A variable set that applies to the workspace. */
export interface VariableSetInput {
  readonly name: string;
  readonly scope: VariableSetScope;
  /** @default false */
  readonly priority?: boolean;
  /** Who owns the set; global sets are always the organization's. @default "organization" */
  readonly owner?: "organization" | "project";
  readonly variables: readonly HcpVariable[];
}

/** Everything that applies to one workspace's runs. */
export interface WorkspaceVariablesInput {
  /** The workspace's own (workspace-specific) variables. */
  readonly workspace: readonly HcpVariable[];
  readonly variableSets: readonly VariableSetInput[];
}

/** Where a winning variable came from. */
export type VariableSource =
  | { readonly kind: "workspace" }
  | {
      readonly kind: "variable-set";
      readonly name: string;
      readonly scope: VariableSetScope;
      readonly priority: boolean;
      readonly owner: "organization" | "project";
    };

/** The variable that wins for its key. */
export interface ResolvedVariable {
  readonly key: string;
  readonly value: string;
  readonly source: VariableSource;
}

/** What one run phase of one configuration authenticates with. */
export interface EffectivePhase {
  /** False when `TFC_AWS_PROVIDER_AUTH[_TAG]` is not `true`, or no role ARN applies. */
  readonly authenticates: boolean;
  /** The role ARN the phase assumes, when it authenticates. */
  readonly roleArn?: string;
  /** The variable that supplied it (`TFC_AWS_PLAN_ROLE_ARN`, or the run role it fell back to). */
  readonly roleArnFrom?: ResolvedVariable;
  /** The token's audience. */
  readonly audience: string;
  /** The variable that set the audience; undefined for the default. */
  readonly audienceFrom?: ResolvedVariable;
  /** Why the phase does not authenticate. */
  readonly problem?: string;
}

/** One dynamic credentials configuration: the default one, or a tagged one. */
export interface EffectiveConfiguration {
  /** Undefined for the default configuration. */
  readonly tag?: string;
  readonly plan: EffectivePhase;
  readonly apply: EffectivePhase;
}

/** The audience HCP Terraform puts in an AWS workload identity token unless told otherwise. */
export const DEFAULT_AWS_AUDIENCE = "aws.workload.identity";

const KEYS = [
  "PROVIDER_AUTH",
  "RUN_ROLE_ARN",
  "PLAN_ROLE_ARN",
  "APPLY_ROLE_ARN",
  "WORKLOAD_IDENTITY_AUDIENCE",
] as const;
type Key = (typeof KEYS)[number];
const TAGGED = new RegExp(`^TFC_AWS_(${KEYS.join("|")})_([A-Za-z0-9_]+)$`);

/**
 * The rank of a source: lower wins. Priority sets rank from the broadest scope down; ordinary
 * sets from the narrowest up; workspace variables sit between the two.
 */
function rank(source: VariableSource): number {
  if (source.kind === "workspace") return 5;
  const projectOwned = source.owner === "project" ? 1 : 0;
  if (source.priority) {
    if (source.scope === "global") return 0;
    if (source.scope === "project") return 1 + projectOwned;
    return 3 + projectOwned;
  }
  if (source.scope === "workspace") return 7 - projectOwned;
  if (source.scope === "project") return 9 - projectOwned;
  return 10;
}

/** Lexical order of Unicode code points, as HCP Terraform sorts set names (UTF-8 bytes sort the same). */
function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function outranks(a: VariableSource, b: VariableSource): boolean {
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank < 0;
  if (a.kind === "variable-set" && b.kind === "variable-set")
    return compareCodePoints(a.name, b.name) < 0;
  return false;
}

/**
 * The environment variables a run of the workspace gets: for each key, the one variable that
 * wins by HCP Terraform's precedence. Terraform-category variables are left out.
 */
export function effectiveEnvironment(
  input: WorkspaceVariablesInput,
): ReadonlyMap<string, ResolvedVariable> {
  const winners = new Map<string, ResolvedVariable>();
  const offer = (variable: HcpVariable, source: VariableSource) => {
    if ((variable.category ?? "env") !== "env") return;
    const current = winners.get(variable.key);
    if (current === undefined || outranks(source, current.source))
      winners.set(variable.key, { key: variable.key, value: variable.value, source });
  };
  for (const variable of input.workspace) offer(variable, { kind: "workspace" });
  for (const set of input.variableSets) {
    const source: VariableSource = {
      kind: "variable-set",
      name: set.name,
      scope: set.scope,
      priority: set.priority ?? false,
      owner: set.scope === "global" ? "organization" : (set.owner ?? "organization"),
    };
    for (const variable of set.variables) offer(variable, source);
  }
  return winners;
}

/**
 * The AWS credentials each run phase of the workspace uses: the default configuration first,
 * then one per tag found in any `TFC_AWS_*_TAG` variable (sorted). A configuration is listed
 * even when it does not authenticate, with the reason.
 */
export function effectiveAwsCredentials(input: WorkspaceVariablesInput): EffectiveConfiguration[] {
  const env = effectiveEnvironment(input);
  const tags = new Set<string>();
  for (const key of env.keys()) {
    const tag = TAGGED.exec(key)?.[2];
    if (tag !== undefined) tags.add(tag);
  }
  return [undefined, ...[...tags].sort(compareCodePoints)].map((tag) => configuration(env, tag));
}

function configuration(
  env: ReadonlyMap<string, ResolvedVariable>,
  tag: string | undefined,
): EffectiveConfiguration {
  const suffix = tag === undefined ? "" : `_${tag}`;
  // The key itself, else its TFC_DEFAULT_ form (none for PROVIDER_AUTH).
  const get = (key: Key): ResolvedVariable | undefined =>
    env.get(`TFC_AWS_${key}${suffix}`) ??
    (key === "PROVIDER_AUTH" ? undefined : env.get(`TFC_DEFAULT_AWS_${key}`));
  const auth = get("PROVIDER_AUTH");
  const audienceFrom = get("WORKLOAD_IDENTITY_AUDIENCE");
  const audience = audienceFrom?.value ?? DEFAULT_AWS_AUDIENCE;
  const phase = (key: "PLAN_ROLE_ARN" | "APPLY_ROLE_ARN"): EffectivePhase => {
    const base = { audience, ...(audienceFrom === undefined ? {} : { audienceFrom }) };
    if (auth?.value !== "true") {
      return {
        ...base,
        authenticates: false,
        problem:
          auth === undefined
            ? `TFC_AWS_PROVIDER_AUTH${suffix} is not set`
            : `TFC_AWS_PROVIDER_AUTH${suffix} is ${JSON.stringify(auth.value)}, not "true"`,
      };
    }
    // The phase's own ARN wins whenever present; the run role only fills its absence.
    const from = get(key) ?? get("RUN_ROLE_ARN");
    if (from === undefined) {
      return {
        ...base,
        authenticates: false,
        problem: `neither TFC_AWS_${key}${suffix} nor TFC_AWS_RUN_ROLE_ARN${suffix} is set`,
      };
    }
    return { ...base, authenticates: true, roleArn: from.value, roleArnFrom: from };
  };
  return {
    ...(tag === undefined ? {} : { tag }),
    plan: phase("PLAN_ROLE_ARN"),
    apply: phase("APPLY_ROLE_ARN"),
  };
}

/** How a source reads in messages: `workspace variable`, `variable set "X" (project-scoped)`. */
export function describeSource(source: VariableSource): string {
  if (source.kind === "workspace") return "workspace variable";
  const scope = source.scope === "global" ? "global" : `${source.scope}-scoped`;
  return `${source.priority ? "priority " : ""}variable set ${JSON.stringify(source.name)} (${scope})`;
}
