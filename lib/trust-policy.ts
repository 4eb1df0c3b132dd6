/**
 * The trust policy of a role assumed by HCP Terraform runs.
 * Claims and condition keys: https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration
 *
 * One kind of token per role. HCP Terraform issues tokens of several kinds to the same issuer
 * and audience, each with its own `sub` shape: workspace runs (`organization:O:project:P:workspace:W:run_phase:R`,
 * 8 fields), Stack deployments (10 fields), module test runs (6) and HYOK configurations
 * (`organization:O:hyok_config:N`, 4). In `StringLike`, `*` matches any run of characters, `:`
 * included, so a pattern with a `*` inside can match a `sub` with more fields than it has: a
 * project-less workspace `deployment` (`...:project:*:workspace:deployment:run_phase:*`) would
 * admit the Stack token `...:project:X:stack:workspace:deployment:run_phase:operation:plan`.
 *
 * Every pattern with a wildcard therefore comes with a `StringNotLike` on the same key that
 * refuses any `sub` with more `:` than the pattern holds ({@link fieldCountGuard}). Why this is
 * complete, for every kind there is or will be:
 * - The config refuses `:`, `*` and `?` in every name (lib/config/names.ts), so the pattern's
 *   only wildcards are the `*`s written here, and its `:`s are exactly its field separators.
 * - A `sub` the pattern matches holds at least the pattern's `:`s, one for each literal `:`; the
 *   guard refuses one that holds more. So an admitted `sub` holds exactly as many, each `*`
 *   matches text without a `:`, and every field of the `sub` lines up with the same field of the
 *   pattern: the labels (`project`, `workspace`, `stack`, ...) are literal text there, so they
 *   must be equal, and the kind is the pattern's own. A token of a kind added later has other
 *   labels at some position or another field count, and is refused the same way.
 * - A pattern without a wildcard admits one `sub`, equal to it, so it needs no guard.
 * - A name holding `:` in a real token (HCP Terraform refuses `:` in names) could only make a
 *   `sub` longer, so the guard would refuse it: it fails closed.
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

/**
 * The `sub` of a HYOK configuration's tokens, exact: `organization:ORG:hyok_config:NAME`.
 * https://developer.hashicorp.com/terraform/cloud-docs/hold-your-own-key/configure
 */
export function hyokSubject(subject: {
  readonly organization: string;
  readonly name: string;
}): string {
  return `organization:${subject.organization}:hyok_config:${subject.name}`;
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

/**
 * The `StringNotLike` pattern that refuses every `sub` with more `:` than `subject` holds: `*`
 * joined by one `:` more than the pattern has. Undefined for a pattern without a wildcard, which
 * admits only itself. See the module's header for why this keeps a role to its own kind of token.
 */
export function fieldCountGuard(subject: string): string | undefined {
  if (!/[*?]/.test(subject)) return undefined;
  const separators = subject.split(":").length - 1;
  return Array.from({ length: separators + 2 }, () => "*").join(":");
}

export function trustPolicyDocument(props: TrustPolicyProps): PolicyDocument {
  const subjectKey = `${props.hostname}:sub`;
  const guard = fieldCountGuard(props.subject);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: props.providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { [`${props.hostname}:aud`]: props.audience },
          StringLike: { [subjectKey]: props.subject },
          ...(guard === undefined ? {} : { StringNotLike: { [subjectKey]: guard } }),
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
