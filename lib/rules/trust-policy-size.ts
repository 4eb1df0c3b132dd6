import type { Rule, Violation } from "./rule";

/** IAM's default quota on a role's trust policy, counted without whitespace. */
export const MAX_TRUST_POLICY_LENGTH = 2048;

/**
 * A trust policy fits IAM's size limit (2,048 characters unless the "Role trust policy length"
 * quota was raised), so the deploy does not fail halfway with LimitExceeded.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const trustPolicySize: Rule = {
  id: "trust-policy-size",
  description: `Trust policies fit IAM's limit of ${MAX_TRUST_POLICY_LENGTH} characters.`,
  check({ roles }) {
    const violations: Violation[] = [];
    for (const role of roles) {
      const length = role.trustPolicyJson.length;
      if (length > MAX_TRUST_POLICY_LENGTH) {
        violations.push({
          path: role.planned.path,
          message: `role ${role.planned.roleName}: the trust policy is ${length} characters, ${length - MAX_TRUST_POLICY_LENGTH} over IAM's limit of ${MAX_TRUST_POLICY_LENGTH}; shorten the names it holds`,
        });
      }
    }
    return violations;
  },
};
