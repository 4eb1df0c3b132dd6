import type { TrustConfig, WorkspaceConfig } from "../config/schema";
import type { PolicyDocument } from "../trust-policy";

/** A role under review: its config entry and its trust policy exactly as it will reach AWS. */
export interface ReviewedRole {
  readonly workspace: WorkspaceConfig;
  /** Where the entry is in the config, e.g. `workspaces[2]`. */
  readonly path: string;
  readonly roleName: string;
  readonly trustPolicy: PolicyDocument;
  /** The trust policy's JSON as written (what IAM counts against its size limit). */
  readonly trustPolicyJson: string;
}

export interface Review {
  readonly config: TrustConfig;
  readonly roles: readonly ReviewedRole[];
}

export interface Violation {
  /** The config field at fault, e.g. `workspaces[2].policyArns[0]`. */
  readonly path: string;
  readonly message: string;
  /** The workspace entry whose opt-out silences this violation, if the rule has one. */
  readonly workspace?: WorkspaceConfig;
}

/** A safety rule: a pure function of the validated config and the trust policies it produces. */
export interface Rule {
  /** Kebab-case id, shown in messages. */
  readonly id: string;
  readonly description: string;
  /**
   * The workspace key that, set to `true`, turns this rule's violations for that workspace into
   * warnings printed on every synth.
   * @default - violations are always errors
   */
  readonly optOut?: "allowAdmin";
  check(review: Review): Violation[];
}

/** The `Allow` statements of a trust policy, whatever the shape of `Statement`. */
export function allowStatements(policy: PolicyDocument): Array<Record<string, unknown>> {
  const statements: unknown[] = Array.isArray(policy.Statement)
    ? policy.Statement
    : [policy.Statement];
  return statements.filter(
    (s): s is Record<string, unknown> =>
      typeof s === "object" && s !== null && (s as { Effect?: unknown }).Effect === "Allow",
  );
}

/** The values of a condition key under an operator (`StringLike`), as a list. */
export function conditionValues(
  statement: Record<string, unknown>,
  operator: string,
  key: string,
): string[] {
  const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
  const value = condition?.[operator]?.[key];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The `sub` patterns a statement matches for a host, under `StringLike` or `StringEquals`. */
export function subjectPatterns(statement: Record<string, unknown>, hostname: string): string[] {
  return [
    ...conditionValues(statement, "StringLike", `${hostname}:sub`),
    ...conditionValues(statement, "StringEquals", `${hostname}:sub`),
  ];
}

export function hasWildcard(text: string): boolean {
  return /[*?]/.test(text);
}
