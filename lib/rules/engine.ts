import type { TrustConfig } from "../config/schema";
import { oidcProviderArnFor, UNKNOWN_ACCOUNT_ID } from "../iam/web-identity";
import { planTrust } from "../plan";
import type { TrustPlan } from "../plan/model";
import { trustPolicyJson } from "../trust-policy";
import { RULES } from "./registry";
import type { Review, Rule } from "./rule";

/*
 * The rule engine: runs rules (`registry.ts` lists them) over a reviewed plan and sorts their
 * violations into errors and warnings (violations an entry opted out of, and warning-only rules).
 */

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
  /** Findings the config acknowledged: listed in the report, not printed. */
  readonly acknowledged: readonly Finding[];
}

/**
 * The review input for a plan: its roles with the trust policies exactly as AWS will read them
 * (a created provider in an unknown account gets the placeholder account ID, which has the same
 * length as any real one, so size checks are exact).
 */
export function reviewOf(config: TrustConfig, plan: TrustPlan = planTrust(config)): Review {
  const accounts = new Map(plan.accounts.map((account) => [account.name, account]));
  const { hostname, audience } = plan.hcp;
  return {
    config,
    plan,
    roles: plan.roles.map((planned) => {
      const account = accounts.get(planned.account);
      if (account === undefined)
        throw new Error(`role ${planned.roleName} names no account of the config`);
      const providerArn =
        account.oidcProviderArn ??
        oidcProviderArnFor(hostname, account.partition, UNKNOWN_ACCOUNT_ID);
      const json = trustPolicyJson(
        { hostname, audience, providerArn, subject: planned.subject },
        false,
      );
      return { planned, trustPolicy: JSON.parse(json), trustPolicyJson: json };
    }),
  };
}

/** Runs every rule on a planned config. */
export function checkRules(
  config: TrustConfig,
  plan: TrustPlan = planTrust(config),
  rules: readonly Rule[] = RULES,
): Findings {
  const review = reviewOf(config, plan);
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const acknowledged: Finding[] = [];
  for (const rule of rules) {
    for (const violation of rule.check(review)) {
      if (violation.acknowledged === true) {
        acknowledged.push({ rule: rule.id, path: violation.path, message: violation.message });
        continue;
      }
      const optedOut = rule.optOut !== undefined && violation.role?.planned[rule.optOut] === true;
      const warning = optedOut || rule.severity === "warning";
      const kind = violation.role?.planned.owner.kind;
      const entry = kind === undefined ? "entry" : kind === "hyok" ? "hyok entry" : kind;
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
  return { errors, warnings, acknowledged };
}

/** A finding as printed; `locate` turns its config path into where the author finds it. */
export function formatFinding(
  finding: Finding,
  locate: (path: string) => string = (path) => path,
): string {
  return `${locate(finding.path)}: [${finding.rule}] ${finding.message}`;
}
