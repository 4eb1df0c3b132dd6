import type { WebIdentityRequest } from "./simulator";

/** The claims of a workload identity token that AWS evaluates. */
export interface TokenClaims {
  /** `https://HOSTNAME` */
  readonly iss: string;
  readonly aud: string;
  /** `organization:ORG:project:PROJECT:workspace:WS:run_phase:PHASE` for runs. */
  readonly sub: string;
}

/** Where a role lives: AWS looks the token's issuer up among the OIDC providers of this account. */
export interface RoleLocation {
  readonly roleArn: string;
  readonly partition: string;
  readonly accountId: string;
}

/**
 * The account ID used for roles and providers whose account is not known before deploy (a
 * provider created by the stack lives in whatever account the stack is deployed to). Account IDs
 * always have 12 digits, so policy lengths computed with it are exact.
 */
export const UNKNOWN_ACCOUNT_ID = "000000000000";

/** `https://app.terraform.io` → `app.terraform.io` */
export function hostOfIssuer(iss: string): string {
  return iss.replace(/^https:\/\//, "").replace(/\/+$/, "");
}

/** The ARN of the IAM OIDC provider for an issuer host in an account. */
export function oidcProviderArnFor(host: string, partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${host}`;
}

/**
 * The request AWS evaluates when a run presents this token to assume the role: the principal is
 * the account's provider for the token's issuer, and the token's claims become the condition
 * keys `HOST:aud` and `HOST:sub`.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
 */
export function webIdentityRequest(claims: TokenClaims, role: RoleLocation): WebIdentityRequest {
  const host = hostOfIssuer(claims.iss);
  return {
    providerArn: oidcProviderArnFor(host, role.partition, role.accountId),
    roleArn: role.roleArn,
    context: { [`${host}:aud`]: claims.aud, [`${host}:sub`]: claims.sub },
  };
}
