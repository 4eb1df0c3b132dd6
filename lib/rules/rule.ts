import type { TrustConfig } from "../config/schema";
import { asList } from "../iam/policy-document";
import type { PlannedRole, TrustPlan } from "../plan/model";
import type { PolicyDocument } from "../trust-policy";

/** A role under review: as planned from the config, and its trust policy exactly as it will reach AWS. */
export interface ReviewedRole {
  readonly planned: PlannedRole;
  readonly trustPolicy: PolicyDocument;
  /** The trust policy's JSON as written (what IAM counts against its size limit). */
  readonly trustPolicyJson: string;
}

export interface Review {
  readonly config: TrustConfig;
  readonly plan: TrustPlan;
  readonly roles: readonly ReviewedRole[];
}

export interface Violation {
  /** The config field at fault, e.g. `workspaces[2].policyArns[0]`. */
  readonly path: string;
  readonly message: string;
  /** The role at fault; its entry's opt-out (if the rule has one) silences the violation. */
  readonly role?: ReviewedRole;
  /**
   * Set when the config acknowledges this finding (`acknowledgeOwnRoles`): it is listed in the
   * report as acknowledged, never printed as a warning or refused as an error.
   * @default false
   */
  readonly acknowledged?: boolean;
}

/** A safety rule: a pure function of the validated config and the trust policies it produces. */
export interface Rule {
  /** Kebab-case id, shown in messages. */
  readonly id: string;
  readonly description: string;
  /**
   * The entry key that, set to `true`, turns this rule's violations for that entry into warnings
   * printed on every synth.
   * @default - violations are errors
   */
  readonly optOut?: "allowAdmin" | "allowKmsWildcards";
  /**
   * `warning`: violations never stop the synth; they are printed on every synth.
   * @default "error"
   */
  readonly severity?: "error" | "warning";
  check(review: Review): Violation[];
}

/** The values of a condition key under an operator (`StringLike`), as a list. */
export function conditionValues(
  statement: Record<string, unknown>,
  operator: string,
  key: string,
): string[] {
  const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
  return asList(condition?.[operator]?.[key]);
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

/** How messages name the entry a role belongs to: `workspace app`, `project "Apps"`, ... */
export function ownerName(role: PlannedRole): string {
  const { owner } = role;
  switch (owner.kind) {
    case "workspace":
      return `workspace ${owner.name}`;
    case "project":
      return `project ${JSON.stringify(owner.name)}`;
    case "stack":
      return `stack ${owner.name}${owner.deployment === undefined ? "" : ` deployment ${owner.deployment}`}`;
    case "module":
      return `module ${owner.name}/${owner.provider}`;
    case "hyok":
      return `hyok ${owner.name}`;
  }
}
