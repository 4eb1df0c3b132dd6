import { type Decision, evaluateTrust } from "../../lib/iam/simulator";
import { type TokenClaims, webIdentityRequest } from "../../lib/iam/web-identity";
import type { SynthesizedRole } from "../../lib/synth-output";

/** What AWS decides when a run presents these claims to assume the role. */
export function decide(role: SynthesizedRole, claims: TokenClaims): Decision {
  return evaluateTrust(
    role.trustPolicy,
    webIdentityRequest(claims, {
      roleArn: role.arn,
      partition: role.partition,
      accountId: role.accountId,
    }),
  );
}
