import { distance } from "fastest-levenshtein";
import type { Failure, RoleVerdict } from "./explain";
import {
  describeSource,
  effectiveAwsCredentials,
  type HcpVariable,
  type VariableSetInput,
} from "./hcp/precedence";
import type { TokenClaims } from "./iam/web-identity";
import { PRODUCT } from "./product";
import { type ReportTarget, roleKey, type TrustReport } from "./report/model";
import {
  type FieldDifference,
  formatDifference,
  parseRunSubject,
  parseSubject,
  subjectDifferences,
} from "./run-subject";

/** A refused role and, one line each, what differs between its trust and the token. */
export interface NearMiss {
  readonly verdict: RoleVerdict;
  readonly differences: readonly string[];
}

/**
 * The refused roles closest to admitting the token: fewest differing checks (issuer, audience,
 * and the `sub`'s organization, project, workspace and run phase), at most 2; among those, the
 * ones whose differing names are most alike (edit distance) first; up to `limit` of them.
 */
export function closestRoles(
  verdicts: readonly RoleVerdict[],
  claims: TokenClaims,
  limit = 5,
): { readonly closest: readonly NearMiss[]; readonly more: number } {
  const misses = verdicts
    .filter((v) => v.decision !== "Allowed")
    .map((verdict) => ({ verdict, ...differencesOf(verdict, claims) }))
    .filter((m) => m.differences.length > 0 && m.differences.length <= 2);
  const fewest = Math.min(...misses.map((m) => m.differences.length));
  const tied = misses
    .filter((m) => m.differences.length === fewest)
    .sort((a, b) => a.distance - b.distance);
  return {
    closest: tied.slice(0, limit).map(({ verdict, differences }) => ({ verdict, differences })),
    more: Math.max(0, tied.length - limit),
  };
}

/** A refused role's differences, and how far apart the differing values are. */
function differencesOf(verdict: RoleVerdict, claims: TokenClaims) {
  const differences: string[] = [];
  let total = 0;
  for (const failure of verdict.failures) {
    if (failure.check === "kind") {
      differences.push(kindLine(failure));
      // Behind any near miss of the token's own kind.
      total += claims.sub.length;
      continue;
    }
    const line = `expected ${failure.expected.join(" or ")}, got ${failure.actual}`;
    if (failure.check !== "subject") {
      differences.push(`${failure.check}: ${line}`);
      total += failure.actual.length;
      continue;
    }
    // The pattern with the fewest differing fields, when the role has several.
    const options = failure.expected
      // `KEY OPERATOR VALUE`; the value (a sub pattern) may hold spaces.
      .map((e) => subjectDifferences(/^\S+ \S+ (.*)$/s.exec(e)?.[1] ?? "", claims.sub))
      .filter((d): d is FieldDifference[] => d !== undefined)
      .sort((a, b) => a.length - b.length);
    const best = options[0];
    if (best === undefined) {
      differences.push(`subject: ${line}`);
      total += claims.sub.length;
      continue;
    }
    differences.push(...best.map(formatDifference));
    total += best.reduce((sum, d) => sum + distance(d.expected, d.actual), 0);
  }
  return { differences, distance: total };
}

/** `kind: a workspace run role; this is a Stack deployment token` */
export function kindLine(failure: Failure): string {
  const role = (failure.expected[0] ?? "").replace(/ tokens$/, "");
  return `kind: a ${role} role; this is ${failure.actual}`;
}

/** The role one configuration of a run uses, by HCP Terraform's precedence over the variables. */
export interface EffectiveRole {
  /** Undefined: the default configuration (the `aws` provider without alias). */
  readonly tag?: string;
  /** The role's `STACK ADDRESS`, when the winning variable names a role of this synth. */
  readonly role?: string;
  /** The winning ARN variable's value as written (a role name for a role of this synth). */
  readonly value?: string;
  /** `TFC_AWS_RUN_ROLE_ARN on workspace app`, or why there is no role. */
  readonly from: string;
}

/**
 * Which role a run of the token's workspace and phase uses, from the variables this synth writes
 * on the workspace and in its project's variable set (project-scoped, as written). Undefined
 * for a token that is not a run's, or when this synth writes no variables for either.
 */
export function effectiveRoles(
  report: TrustReport,
  claims: TokenClaims,
): readonly EffectiveRole[] | undefined {
  const run = parseRunSubject(claims.sub);
  if (run === undefined || (run.phase !== "plan" && run.phase !== "apply")) return undefined;
  const targets = (kind: "workspace" | "project", name: string) =>
    report.targets.filter((t) => t.kind === kind && t.name === name);
  const variables = (target: ReportTarget): HcpVariable[] =>
    target.variables.map((v) => ({ key: v.key, value: v.role ?? v.value }));
  const workspace = targets("workspace", run.workspace).flatMap(variables);
  // Each project's variables are in an ordinary (or priority) project-scoped set, as written.
  const sets: VariableSetInput[] = targets("project", run.project).map((target) => ({
    name: target.variableSet?.name ?? `${PRODUCT}: ${run.project}`,
    scope: "project",
    priority: target.variableSet?.priority ?? false,
    variables: variables(target),
  }));
  if (workspace.length === 0 && sets.length === 0) return undefined;
  const names = new Map(report.roles.map((r) => [roleKey(r), r.name]));
  return effectiveAwsCredentials({ workspace, variableSets: sets }).map((configuration) => {
    const phase = run.phase === "plan" ? configuration.plan : configuration.apply;
    const tag = configuration.tag === undefined ? {} : { tag: configuration.tag };
    if (!phase.authenticates || phase.roleArnFrom === undefined)
      return { ...tag, from: phase.problem ?? "no role" };
    const source = phase.roleArnFrom.source;
    const where =
      source.kind === "workspace"
        ? `on workspace ${run.workspace}`
        : `in ${describeSource(source)} of project ${run.project}`;
    const key = phase.roleArnFrom.value;
    const role = names.has(key) ? { role: key, value: names.get(key) } : { value: key };
    return { ...tag, ...role, from: `${phase.roleArnFrom.key} ${where}` };
  });
}

/**
 * How a Stack deployment, a module's test run or a HYOK configuration's agent is given its role, in a line; undefined for a
 * workspace run's token (see {@link effectiveRoles}) or one of no kind HCP Terraform issues.
 */
export function roleSourceLine(report: TrustReport, claims: TokenClaims): string | undefined {
  const parsed = parseSubject(claims.sub);
  if (parsed === undefined || parsed.kind === "run") return undefined;
  const field = Object.fromEntries(parsed.fields);
  if (parsed.kind === "stack") {
    const role = report.roles.find(
      (r) =>
        r.project === field.project &&
        r.hcpStack?.name === field.stack &&
        (r.hcpStack?.deployment ?? field.deployment) === field.deployment,
    );
    const which = role === undefined ? "" : ` (this synth's is ${role.name}, ${role.arn})`;
    return `A Stack deployment reads no variables: it uses the role its .tfdeploy.hcl passes${which}; the report's "HCP Terraform Stacks" section has the fragment to paste.`;
  }
  if (parsed.kind === "hyok") {
    const role = report.roles.find((r) => r.hyok?.name === field.hyok_config);
    return role === undefined
      ? `This synth has no HYOK configuration ${field.hyok_config}.`
      : `HYOK configuration ${field.hyok_config}'s agents (pool ${role.hyok?.agentPool}) assume the role its tfe_aws_oidc_configuration names: ${role.name}, ${role.arn}; it may use KMS key ${role.hyok?.kmsKey} (${role.hyok?.actions.join(", ")}).`;
  }
  const target = report.targets.find((t) => t.kind === "module" && t.name === field.module);
  const arn = target?.variables.find((v) => v.key === "TFC_AWS_RUN_ROLE_ARN");
  return arn === undefined
    ? `This synth writes no test variables for module ${field.module}.`
    : `Test runs of module ${field.module} use the role in its test variable TFC_AWS_RUN_ROLE_ARN: ${arn.value}.`;
}
