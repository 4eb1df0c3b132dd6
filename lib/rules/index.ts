import { accountsOf, type TrustConfig } from "../config/schema";
import { expectedProviderArn, type PlannedRole, planRoles } from "../role-plan";
import { readLiteral } from "../terraform-text";
import { adminAccessNeedsOptIn } from "./admin-access-needs-opt-in";
import { noWildcardsFromNames } from "./no-wildcards-from-names";
import { providerHostMatches } from "./provider-host-matches";
import { roleTagLimit } from "./role-tag-limit";
import type { Review, Rule } from "./rule";
import { trustPinsAudienceAndOrganization } from "./trust-pins-audience-and-organization";
import { trustPolicySize } from "./trust-policy-size";
import { uniqueRoleNames } from "./unique-role-names";
import { workspaceRoleOverridesProject } from "./workspace-role-overrides-project";

export const RULES: readonly Rule[] = [
  trustPinsAudienceAndOrganization,
  noWildcardsFromNames,
  adminAccessNeedsOptIn,
  trustPolicySize,
  providerHostMatches,
  uniqueRoleNames,
  roleTagLimit,
  workspaceRoleOverridesProject,
];

/** A rule's violation, as printed: `workspaces[1].policyArns[0]: [rule-id] message`. */
export interface Finding {
  readonly rule: string;
  readonly path: string;
  readonly message: string;
}

export interface Findings {
  readonly errors: readonly Finding[];
  /** Warnings and violations the config opted out of, printed on every synth. */
  readonly warnings: readonly Finding[];
}

/** The review input for a config: its roles with the trust policies exactly as they will be written. */
export function reviewOf(
  config: TrustConfig,
  roles: readonly PlannedRole[] = planRoles(config),
): Review {
  const accounts = accountsOf(config);
  return {
    config,
    roles: roles.map((planned) => {
      const account = accounts[planned.account];
      if (account === undefined)
        throw new Error(`role ${planned.roleName} names no account of the config`);
      const json = readLiteral(planned.trustPolicyJson(expectedProviderArn(config, account)));
      return { planned, trustPolicy: JSON.parse(json), trustPolicyJson: json };
    }),
  };
}

/** Runs every rule on a config; `roles` saves planning them again when the caller has. */
export function checkRules(
  config: TrustConfig,
  rules: readonly Rule[] = RULES,
  roles: readonly PlannedRole[] = planRoles(config),
): Findings {
  const review = reviewOf(config, roles);
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  for (const rule of rules) {
    for (const violation of rule.check(review)) {
      const optedOut = rule.optOut !== undefined && violation.role?.planned[rule.optOut] === true;
      const warning = optedOut || rule.severity === "warning";
      const entry = violation.role?.planned.owner.kind ?? "entry";
      const suffix =
        rule.optOut === undefined || optedOut
          ? ""
          : ` (set ${rule.optOut}: true on the ${entry} to accept it)`;
      (warning ? warnings : errors).push({
        rule: rule.id,
        path: violation.path,
        message: `${violation.message}${suffix}`,
      });
    }
  }
  return { errors, warnings };
}

/** A finding as printed; `locate` turns its config path into where the author finds it. */
export function formatFinding(
  finding: Finding,
  locate: (path: string) => string = (path) => path,
): string {
  return `${locate(finding.path)}: [${finding.rule}] ${finding.message}`;
}
