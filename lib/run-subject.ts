/**
 * The `sub` claim of HCP Terraform workload identity tokens, field by field, for every kind of
 * run (the one home of these formats: the planner, the rules and `explain` read them here). A run's token reads
 * `organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:PHASE` (PHASE `plan` or
 * `apply`); HCP Terraform also issues tokens for module test runs
 * (`organization:ORG:module:MODULE:operation:test_run`) and Stacks deployments
 * (`organization:ORG:project:PROJECT:stack:STACK:deployment:DEPLOYMENT:operation:OPERATION`),
 * and hold-your-own-key configurations (`organization:ORG:hyok_config:NAME`).
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/workload-identity-tokens
 * https://developer.hashicorp.com/terraform/cloud-docs/hold-your-own-key/configure (the HYOK `sub`)
 */

/** The fields of a run's `sub`; in a trust policy's pattern a field may be `*`. */
export interface RunSubject {
  readonly organization: string;
  readonly project: string;
  readonly workspace: string;
  readonly phase: string;
}

const FIELDS = ["organization", "project", "workspace", "run_phase"] as const;
const RUN_FORM = "organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:PHASE";

/** The kinds of token HCP Terraform issues, each with its own `sub` fields. */
export type SubjectKind = "run" | "stack" | "module" | "hyok";

/** The field names of each kind's `sub`, in order. */
export const SUBJECT_FIELDS: Readonly<Record<SubjectKind, readonly string[]>> = {
  run: FIELDS,
  stack: ["organization", "project", "stack", "deployment", "operation"],
  module: ["organization", "module", "operation"],
  hyok: ["organization", "hyok_config"],
};

/**
 * What each kind's last field may be in a token HCP Terraform issues; undefined where the last
 * field is a name (a HYOK configuration's).
 */
export const SUBJECT_OPERATIONS: Readonly<Record<SubjectKind, readonly string[] | undefined>> = {
  run: ["plan", "apply"],
  stack: ["plan", "apply"],
  module: ["test_run"],
  hyok: undefined,
};

/** How messages name each kind of token: `a workspace run token`, `a Stack deployment token`. */
export const SUBJECT_KIND_NAMES: Readonly<Record<SubjectKind, string>> = {
  run: "workspace run",
  stack: "Stack deployment",
  module: "module test run",
  hyok: "HYOK configuration",
};

const KINDS = Object.keys(SUBJECT_FIELDS) as SubjectKind[];

/** A `sub` (or a trust policy's pattern for one), field by field. */
export interface ParsedSubject {
  readonly kind: SubjectKind;
  /** `[name, value]` in order: `["organization", "acme"], ["module", "terraform-aws-vpc"], ...` */
  readonly fields: ReadonlyArray<readonly [string, string]>;
}

/** The kind and fields of a `sub` or a pattern for one; undefined when it is of no kind HCP Terraform issues. */
export function parseSubject(sub: string): ParsedSubject | undefined {
  const parts = sub.split(":");
  for (const kind of KINDS) {
    const names = SUBJECT_FIELDS[kind];
    if (parts.length !== names.length * 2 || names.some((name, i) => parts[2 * i] !== name))
      continue;
    return { kind, fields: names.map((name, i) => [name, parts[2 * i + 1] ?? ""] as const) };
  }
  return undefined;
}

/** The fields of a run's `sub` (or of a trust policy's pattern for one); undefined for any other shape. */
export function parseRunSubject(sub: string): RunSubject | undefined {
  const parts = sub.split(":");
  if (parts.length !== 8 || FIELDS.some((field, i) => parts[2 * i] !== field)) return undefined;
  const [, organization = "", , project = "", , workspace = "", , phase = ""] = parts;
  return { organization, project, workspace, phase };
}

/**
 * Why a `sub` given on the command line is not one HCP Terraform issues, naming the field at
 * fault and the form expected; undefined when it is well-formed.
 */
export function subjectProblem(sub: string): string | undefined {
  const parsed = parseSubject(sub);
  if (parsed === undefined) {
    const parts = sub.split(":");
    const labels = parts.filter((_, i) => i % 2 === 0).join(":");
    return `${JSON.stringify(sub)} is not the sub of a token HCP Terraform issues: expected ${RUN_FORM} (PHASE plan or apply) for a workspace run, ${STACK_FORM} for a Stack deployment, ${MODULE_FORM} for a module test run, or ${HYOK_FORM} for a HYOK configuration; got the fields ${JSON.stringify(labels)}; CloudTrail records a token's sub as the userName of its AssumeRoleWithWebIdentity event`;
  }
  const form = FORMS[parsed.kind];
  for (const [field, value] of parsed.fields) {
    if (value === "")
      return `the ${field} field of ${JSON.stringify(sub)} is empty; expected ${form}`;
  }
  const [last, operation] = parsed.fields[parsed.fields.length - 1] ?? ["", ""];
  const allowed = SUBJECT_OPERATIONS[parsed.kind];
  if (allowed !== undefined && !allowed.includes(operation)) {
    return `${last} ${JSON.stringify(operation)} in ${JSON.stringify(sub)} is not one HCP Terraform issues: expected ${allowed.join(" or ")}`;
  }
  return undefined;
}

const STACK_FORM =
  "organization:ORG:project:PROJECT:stack:STACK:deployment:DEPLOYMENT:operation:OPERATION";
const MODULE_FORM = "organization:ORG:module:MODULE:operation:test_run";
const HYOK_FORM = "organization:ORG:hyok_config:NAME";
const FORMS: Readonly<Record<SubjectKind, string>> = {
  run: RUN_FORM,
  stack: STACK_FORM,
  module: MODULE_FORM,
  hyok: HYOK_FORM,
};

/** One field of a `sub` that a trust policy's pattern does not admit. */
export interface FieldDifference {
  /** A field of the `sub`: `organization`, `project`, `workspace`, `run_phase`, `stack`, ... */
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
}

/**
 * How a token's `sub` differs from a trust policy's `sub` pattern, field by field; a `*` field of
 * the pattern admits anything. Undefined when the two are not both of a run's shape.
 */
export function subjectDifferences(pattern: string, sub: string): FieldDifference[] | undefined {
  const want = parseSubject(pattern);
  const got = parseSubject(sub);
  if (want === undefined || got === undefined || want.kind !== got.kind) return undefined;
  return want.fields.flatMap(([field, expected], i) => {
    const actual = got.fields[i]?.[1] ?? "";
    return globMatch(expected, actual) ? [] : [{ field, expected, actual }];
  });
}

/** `project: expected "Payments", got "payments" (names are case-sensitive)` */
export function formatDifference(d: FieldDifference): string {
  const caseOnly = d.expected.toLowerCase() === d.actual.toLowerCase();
  return `${d.field}: expected ${JSON.stringify(d.expected)}, got ${JSON.stringify(d.actual)}${caseOnly ? " (names are case-sensitive)" : ""}`;
}

/** IAM's `StringLike`: `*` any run of characters, `?` one character, case-sensitive. */
function globMatch(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "s").test(value);
}
