/**
 * Evaluates role trust policies with an IAM policy simulator (`@cloud-copilot/iam-simulate`).
 * Everything that depends on the simulator's API is in this file, so it can be swapped.
 */
import {
  createValidatedPolicy,
  validateResourcePolicy,
  validateTrustPolicy,
} from "@cloud-copilot/iam-policy";
import { runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";

/** The simulator's verdict, in AWS's words. */
export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** An `sts:AssumeRoleWithWebIdentity` call, as AWS sees it after verifying the token. */
export interface WebIdentityRequest {
  /** The IAM OIDC provider that verified the token: `arn:aws:iam::ACCOUNT:oidc-provider/HOST`. */
  readonly providerArn: string;
  /** The role asked for. */
  readonly roleArn: string;
  /** Condition keys from the token, e.g. `{ "app.terraform.io:sub": "organization:..." }`. */
  readonly context: Readonly<Record<string, string>>;
}

const ASSUME_ROLE_WITH_WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";

/**
 * Evaluates a trust policy against a web identity request.
 *
 * The simulator's validated entry point (`runSimulation`) drops condition keys that AWS's service
 * reference does not list for this action, and HCP Terraform's `HOST:sub` and `HOST:aud` are not
 * listed, so it would deny everything. The unsafe entry point evaluates them; it needs the trust
 * policy wrapped as a validated policy.
 */
export function evaluateTrust(trustPolicy: unknown, request: WebIdentityRequest): Decision {
  const simulation: Simulation = {
    request: {
      principal: request.providerArn,
      action: ASSUME_ROLE_WITH_WEB_IDENTITY,
      resource: { resource: request.roleArn, accountId: accountOf(request.roleArn) },
      contextVariables: { ...request.context },
    },
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: createValidatedPolicy(trustPolicy, validateTrustPolicy, { name: "trust" }),
  };
  return runUnsafeSimulation(simulation, {});
}

/** A call a role's credentials make to a resource with a policy of its own (a KMS key). */
export interface IdentityRequest {
  /** The role making the call. */
  readonly roleArn: string;
  /** `kms:Encrypt`, ... */
  readonly action: string;
  /** The resource's ARN. */
  readonly resource: string;
  /** Request context, e.g. `{ "kms:ResourceAliases": ["alias/x"] }`. */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
}

/**
 * Evaluates a call by a role: its identity policy and the resource's policy (for KMS, the key
 * policy, which must allow the role itself or the account's IAM policies, as the default key
 * policy does).
 */
export function evaluateIdentity(
  identityPolicy: unknown,
  resourcePolicy: unknown,
  request: IdentityRequest,
): Decision {
  const context = Object.fromEntries(
    Object.entries(request.context ?? {}).map(([key, value]) => [
      key,
      typeof value === "string" ? value : [...value],
    ]),
  );
  const simulation: Simulation = {
    request: {
      principal: request.roleArn,
      action: request.action,
      resource: { resource: request.resource, accountId: accountOf(request.resource) },
      contextVariables: context,
    },
    identityPolicies: [{ name: "identity", policy: identityPolicy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: createValidatedPolicy(resourcePolicy, validateResourcePolicy, {
      name: "resource",
    }),
  };
  return runUnsafeSimulation(simulation, {});
}

/** Problems IAM would report for a trust policy document (empty when it is valid). */
export function trustPolicyProblems(trustPolicy: unknown): string[] {
  return validateTrustPolicy(trustPolicy).map((error) => `${error.path}: ${error.message}`);
}

function accountOf(arn: string): string {
  const account = arn.split(":")[4];
  if (account === undefined || !/^\d{12}$/.test(account)) {
    throw new Error(`'${arn}' is not an ARN with a 12-digit account ID`);
  }
  return account;
}
