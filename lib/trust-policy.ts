/**
 * The trust policy of a role assumed by HCP Terraform runs.
 * Claims and condition keys: https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration
 */

import { literal } from "./terraform-text";

/** The run phases a role admits: both (`*`), or one. */
export type RunPhaseMatch = "*" | "plan" | "apply";

/** Which runs a role admits, as named in the token's `sub` claim. */
export interface RunSubject {
  readonly organization: string;
  /** @default - any project of the organization (`project:*`) */
  readonly project?: string;
  /** A workspace name, or `*` for every workspace of the project (a project-wide role). */
  readonly workspace: string;
  /** @default "*" */
  readonly phase?: RunPhaseMatch;
}

/**
 * The `sub` pattern for a role: `organization:ORG:project:PROJECT:workspace:WS:run_phase:PHASE`.
 * Names are validated to contain no `*`, `?` or `:`, so the only wildcards are the ones written
 * here: an omitted project, a project-wide role's workspace, and a role shared by both phases.
 */
export function subjectPattern(subject: RunSubject): string {
  const project = subject.project ?? "*";
  const phase = subject.phase ?? "*";
  return `organization:${subject.organization}:project:${project}:workspace:${subject.workspace}:run_phase:${phase}`;
}

/**
 * The `sub` pattern for a Stack deployment's role:
 * `organization:ORG:project:PROJECT:stack:STACK:deployment:DEPLOYMENT:operation:*`. A deployment
 * passes one role to its provider for every operation, so the role admits both (`plan`, `apply`);
 * without a deployment it admits every deployment of the Stack.
 * https://developer.hashicorp.com/terraform/language/stacks/deploy/authenticate
 */
export function stackSubjectPattern(subject: {
  readonly organization: string;
  readonly project: string;
  readonly stack: string;
  readonly deployment?: string | undefined;
}): string {
  const deployment = subject.deployment ?? "*";
  return `organization:${subject.organization}:project:${subject.project}:stack:${subject.stack}:deployment:${deployment}:operation:*`;
}

/**
 * The `sub` of a registry module's test runs, exact:
 * `organization:ORG:module:MODULE:operation:test_run`.
 * https://developer.hashicorp.com/terraform/cloud-docs/registry/test/dynamic-credentials#subject-claim-format
 */
export function moduleTestSubject(subject: {
  readonly organization: string;
  readonly module: string;
}): string {
  return `organization:${subject.organization}:module:${subject.module}:operation:test_run`;
}

export interface TrustPolicyProps {
  /** The HCP Terraform or Terraform Enterprise hostname, the prefix of the condition keys. */
  readonly hostname: string;
  readonly audience: string;
  /** The ARN of the IAM OIDC provider for `https://HOSTNAME` (may be a Terraform reference). */
  readonly providerArn: string;
  /** The `sub` pattern, from {@link subjectPattern}. */
  readonly subject: string;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: ReadonlyArray<Record<string, unknown>>;
}

export function trustPolicyDocument(props: TrustPolicyProps): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: props.providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { [`${props.hostname}:aud`]: props.audience },
          StringLike: { [`${props.hostname}:sub`]: props.subject },
        },
      },
    ],
  };
}

const ARN_PLACEHOLDER = "\u0000provider-arn\u0000";

/**
 * The trust policy as the literal JSON string written to `assume_role_policy`: everything in it
 * is escaped literal text except the provider ARN, which may be a Terraform reference.
 */
export function trustPolicyJson(props: TrustPolicyProps, escaped = true): string {
  const json = JSON.stringify(trustPolicyDocument({ ...props, providerArn: ARN_PLACEHOLDER }));
  return (escaped ? literal(json) : json)
    .split(JSON.stringify(ARN_PLACEHOLDER))
    .join(JSON.stringify(props.providerArn));
}
