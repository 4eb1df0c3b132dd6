import type { TrustConfig } from "../config/schema";
import { expectedProviderArn, planRoles } from "../role-plan";
import { unescapeTemplate } from "../trust-policy";
import { adminAccessNeedsOptIn } from "./admin-access-needs-opt-in";
import { noWildcardsFromNames } from "./no-wildcards-from-names";
import { providerHostMatches } from "./provider-host-matches";
import type { Review, Rule } from "./rule";
import { trustPinsAudienceAndOrganization } from "./trust-pins-audience-and-organization";
import { trustPolicySize } from "./trust-policy-size";

export const RULES: readonly Rule[] = [
  trustPinsAudienceAndOrganization,
  noWildcardsFromNames,
  adminAccessNeedsOptIn,
  trustPolicySize,
  providerHostMatches,
];

/** A rule's violation, as printed: `workspaces[1].policyArns[0]: [rule-id] message`. */
export interface Finding {
  readonly rule: string;
  readonly path: string;
  readonly message: string;
}

export interface Findings {
  readonly errors: readonly Finding[];
  /** Violations the config opted out of, printed on every synth. */
  readonly warnings: readonly Finding[];
}

/** The review input for a config: its roles with the trust policies exactly as they will be written. */
export function reviewOf(config: TrustConfig): Review {
  const providerArn = expectedProviderArn(config);
  return {
    config,
    roles: planRoles(config).map((role) => {
      const json = role.trustPolicyJson(providerArn);
      return {
        workspace: role.workspace,
        path: role.path,
        roleName: role.roleName,
        trustPolicy: JSON.parse(unescapeTemplate(json)),
        trustPolicyJson: unescapeTemplate(json),
      };
    }),
  };
}

/** Runs every rule on a config. */
export function checkRules(config: TrustConfig, rules: readonly Rule[] = RULES): Findings {
  const review = reviewOf(config);
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  for (const rule of rules) {
    for (const violation of rule.check(review)) {
      const optedOut = rule.optOut !== undefined && violation.workspace?.[rule.optOut] === true;
      const suffix =
        rule.optOut === undefined || optedOut
          ? ""
          : ` (set ${rule.optOut}: true on the workspace to accept it)`;
      (optedOut ? warnings : errors).push({
        rule: rule.id,
        path: violation.path,
        message: `${violation.message}${suffix}`,
      });
    }
  }
  return { errors, warnings };
}

export function formatFinding(finding: Finding): string {
  return `${finding.path}: [${finding.rule}] ${finding.message}`;
}
