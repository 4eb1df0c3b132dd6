/**
 * What a Stack's repository needs so its deployments use the roles this app made: the
 * `identity_token` block and each deployment's inputs (`.tfdeploy.hcl`), and the AWS provider that
 * consumes them (`.tfcomponent.hcl`), as HashiCorp's guide writes them.
 * https://developer.hashicorp.com/terraform/language/stacks/deploy/authenticate
 * https://developer.hashicorp.com/terraform/language/block/stack/tfdeploy/identity_token
 */
import { plannedRoleArn } from "../plan/accounts";
import type { PlanAccount, PlanRole, PlanSummary } from "../plan/summary";

/**
 * The AWS provider versions the Stack's component configuration asks for: the major version this
 * app's own stacks use (`@cdktf/provider-aws` is generated for `~> 6.0`). A Stack configuration
 * must declare every provider it configures in `required_providers`, with a version
 * (hashicorp/terraform internal/stacks/stackconfig: "Undeclared provider local name" in stack.go,
 * the version requirement in provider_requirements.go).
 */
export const AWS_PROVIDER_VERSION = "~> 6.0";

/** The HCL to paste for one Stack. */
export interface StackHcl {
  readonly project: string;
  readonly stack: string;
  /** `deployments.tfdeploy.hcl`: the token, and each deployment's role ARN and region. */
  readonly deployments: string;
  /**
   * `providers.tfcomponent.hcl`: the AWS provider's requirement, the variables the deployments
   * give, and the provider that assumes the role in the deployment's region.
   */
  readonly providers: string;
}

/**
 * An HCL string literal holding `text` exactly: quotes and backslashes escaped as in JSON, and
 * `${` / `%{` doubled so HCL reads them as text, not as a template.
 * https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences
 */
export function hclString(text: string): string {
  return JSON.stringify(text)
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{");
}

/** The ARN to paste: the role's, or its form with the account left to fill in. */
function arnOf(role: PlanRole, account: PlanAccount | undefined): string {
  return plannedRoleArn(role, account, "ACCOUNT_ID");
}

/** The fragments for every Stack of the plan, in config order. */
export function stacksHcl(plan: PlanSummary): StackHcl[] {
  const accounts = new Map(plan.accounts.map((a) => [a.name, a]));
  const byStack = new Map<string, { project: string; stack: string; roles: PlanRole[] }>();
  for (const role of plan.roles) {
    if (role.owner.kind !== "stack") continue;
    const key = `${role.owner.project}\u0000${role.owner.name}`;
    const entry = byStack.get(key) ?? {
      project: role.owner.project,
      stack: role.owner.name,
      roles: [],
    };
    entry.roles.push(role);
    byStack.set(key, entry);
  }
  return [...byStack.values()].map(({ project, stack, roles }) => {
    const lines = [
      "# deployments.tfdeploy.hcl",
      'identity_token "aws" {',
      `  audience = [${hclString(plan.hcp.audience)}]`,
      "}",
    ];
    for (const role of roles) {
      if (role.owner.kind !== "stack") continue;
      const account = accounts.get(role.account);
      const arn = arnOf(role, account);
      const label = role.owner.deployment ?? "DEPLOYMENT";
      lines.push(
        "",
        ...(role.owner.deployment === undefined
          ? ["# Every deployment of the Stack may use this role: repeat for each one."]
          : []),
        ...(role.arn === undefined
          ? [
              `# ACCOUNT_ID: the ID of account "${role.account}" (or the role_arns output of its stack).`,
            ]
          : []),
        `deployment ${hclString(label)} {`,
        "  inputs = {",
        `    role_arn       = ${hclString(arn)}`,
        // Deployments of one Stack may be in accounts of different regions: each gives its own.
        `    region         = ${hclString(account?.region ?? "")}`,
        "    identity_token = identity_token.aws.jwt",
        "  }",
        "}",
      );
    }
    const providers = [
      "# providers.tfcomponent.hcl",
      "required_providers {",
      "  aws = {",
      '    source  = "hashicorp/aws"',
      `    version = ${hclString(AWS_PROVIDER_VERSION)}`,
      "  }",
      "}",
      "",
      'variable "role_arn" {',
      "  type = string",
      "}",
      "",
      'variable "region" {',
      "  type = string",
      "}",
      "",
      'variable "identity_token" {',
      "  type      = string",
      "  ephemeral = true",
      "}",
      "",
      'provider "aws" "this" {',
      "  config {",
      "    region = var.region",
      "    assume_role_with_web_identity {",
      "      role_arn           = var.role_arn",
      "      web_identity_token = var.identity_token",
      "    }",
      "  }",
      "}",
    ];
    return { project, stack, deployments: lines.join("\n"), providers: providers.join("\n") };
  });
}
