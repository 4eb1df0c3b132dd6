import { generateKeyPair, SignJWT } from "jose";
import type { TokenClaims } from "../../lib/iam/web-identity";

export type RunPhase = "plan" | "apply";

export interface RunIdentity {
  readonly host?: string;
  readonly audience?: string;
  readonly organization: string;
  readonly project: string;
  readonly workspace: string;
  readonly phase: RunPhase;
}

/** The claims HCP Terraform puts in a run's AWS workload identity token. */
export function runClaims(run: RunIdentity): TokenClaims & Record<string, unknown> {
  const host = run.host ?? "app.terraform.io";
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: `https://${host}`,
    aud: run.audience ?? "aws.workload.identity",
    sub: `organization:${run.organization}:project:${run.project}:workspace:${run.workspace}:run_phase:${run.phase}`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    jti: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
    terraform_organization_id: "org-GRNbCjYNpBB6NEH9",
    terraform_organization_name: run.organization,
    terraform_project_id: "prj-vegSA59s1XPwMr2t",
    terraform_project_name: run.project,
    terraform_workspace_id: "ws-mbsd5E3Ktt5Rg2Xm",
    terraform_workspace_name: run.workspace,
    terraform_full_workspace: `organization:${run.organization}:project:${run.project}:workspace:${run.workspace}`,
    terraform_run_id: "run-CZcmD7eagjhyX0vN",
    terraform_run_phase: run.phase,
  };
}

/** The claims of a module test run, which has no project, workspace or run phase. */
export function moduleTestClaims(
  organization: string,
  module: string,
  host = "app.terraform.io",
  audience = "aws.workload.identity",
): TokenClaims {
  return {
    iss: `https://${host}`,
    aud: audience,
    sub: `organization:${organization}:module:${module}:operation:test_run`,
  };
}

/**
 * The claims of a HYOK configuration's token: `organization:ORG:hyok_config:NAME`, audience
 * `aws.workload.identity` for AWS, issuer always https://app.terraform.io.
 * https://developer.hashicorp.com/terraform/cloud-docs/hold-your-own-key/configure
 */
export function hyokClaims(
  organization: string,
  name: string,
  host = "app.terraform.io",
  audience = "aws.workload.identity",
): TokenClaims {
  return {
    iss: `https://${host}`,
    aud: audience,
    sub: `organization:${organization}:hyok_config:${name}`,
  };
}

export interface StackIdentity {
  readonly host?: string;
  readonly audience?: string;
  readonly organization: string;
  readonly project: string;
  readonly stack: string;
  readonly deployment: string;
  readonly operation: RunPhase;
}

/**
 * The claims of a Stack deployment's token: no workspace or run claims, a `terraform_operation`
 * and the Stack's names.
 * https://developer.hashicorp.com/terraform/language/stacks/deploy/authenticate
 */
export function stackClaims(run: StackIdentity): TokenClaims & Record<string, unknown> {
  const host = run.host ?? "app.terraform.io";
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: `https://${host}`,
    aud: run.audience ?? "aws.workload.identity",
    sub: `organization:${run.organization}:project:${run.project}:stack:${run.stack}:deployment:${run.deployment}:operation:${run.operation}`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    terraform_organization_name: run.organization,
    terraform_project_name: run.project,
    terraform_stack_name: run.stack,
    terraform_stack_id: "st-9sQ2uJzXcW1yT4bE",
    terraform_stack_deployment_name: run.deployment,
    terraform_operation: run.operation,
  };
}

let keyPair: ReturnType<typeof generateKeyPair> | undefined;

/** Signs claims as an RS256 JWT, as HCP Terraform does (with a key of this test run). */
export async function signToken(claims: Record<string, unknown>): Promise<string> {
  keyPair ??= generateKeyPair("RS256");
  const { privateKey } = await keyPair;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: "test-key" })
    .sign(privateKey);
}
