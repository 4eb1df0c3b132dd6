/**
 * The `sub` claim of HCP Terraform workload identity tokens, field by field. A run's token reads
 * `organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:PHASE` (PHASE `plan` or
 * `apply`); HCP Terraform also issues tokens for module test runs
 * (`organization:ORG:module:MODULE:operation:test_run`) and Stacks deployments
 * (`organization:ORG:project:PROJECT:stack:STACK:deployment:DEPLOYMENT:operation:OPERATION`).
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/workload-identity-tokens
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
const OTHER_FORMS = [
  /^organization:[^:]+:module:[^:]+:operation:[^:]+$/,
  /^organization:[^:]+:project:[^:]+:stack:[^:]+:deployment:[^:]+:operation:[^:]+$/,
];

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
  if (OTHER_FORMS.some((form) => form.test(sub))) return undefined;
  const run = parseRunSubject(sub);
  if (run === undefined) {
    const parts = sub.split(":");
    const labels = parts.filter((_, i) => i % 2 === 0).join(":");
    return `${JSON.stringify(sub)} is not the sub of a run's token: expected ${RUN_FORM} (PHASE plan or apply), got the fields ${JSON.stringify(labels)}; CloudTrail records a run's sub as the userName of its AssumeRoleWithWebIdentity event`;
  }
  for (const [field, value] of Object.entries(run)) {
    if (value === "")
      return `the ${field === "phase" ? "run_phase" : field} field of ${JSON.stringify(sub)} is empty; expected ${RUN_FORM}`;
  }
  if (run.phase !== "plan" && run.phase !== "apply") {
    return `run_phase ${JSON.stringify(run.phase)} in ${JSON.stringify(sub)} is not one HCP Terraform issues: expected plan or apply`;
  }
  return undefined;
}

/** One field of a `sub` that a trust policy's pattern does not admit. */
export interface FieldDifference {
  /** `organization`, `project`, `workspace` or `run_phase`. */
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
}

/**
 * How a token's `sub` differs from a trust policy's `sub` pattern, field by field; a `*` field of
 * the pattern admits anything. Undefined when the two are not both of a run's shape.
 */
export function subjectDifferences(pattern: string, sub: string): FieldDifference[] | undefined {
  const want = parseRunSubject(pattern);
  const got = parseRunSubject(sub);
  if (want === undefined || got === undefined) return undefined;
  return (["organization", "project", "workspace", "phase"] as const)
    .filter((key) => !globMatch(want[key], got[key]))
    .map((key) => ({
      field: key === "phase" ? "run_phase" : key,
      expected: want[key],
      actual: got[key],
    }));
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
