import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { attachmentKey } from "../plan/members";
import type { PlannedHcp, PlannedRole } from "../plan/model";
import { literal, literalMap } from "../terraform-text";
import { trustPolicyJson } from "../trust-policy";
import { pinAddress } from "./address";
import { eachNumber, eachStringMap, eachValue, setForEach } from "./each";
import type { IHcpOidcProvider } from "./oidc-provider";

/** The Terraform names of the role resources in a project stack: one `for_each` resource per type. */
export const ROLE_RESOURCES = {
  role: "roles",
  attachment: "attachments",
  inline: "inline",
} as const;

export interface WorkspaceRolesProps {
  readonly hcp: PlannedHcp;
  /** The roles of one stack. */
  readonly roles: readonly PlannedRole[];
  /** The OIDC provider the roles trust. */
  readonly provider: IHcpOidcProvider;
}

/**
 * Adds a stack's IAM roles, which HCP Terraform runs assume with their workload identity token,
 * and their permissions, as one `for_each` resource per type keyed by the roles' stable keys:
 * `aws_iam_role.roles["ws_networking-prod"]`. Reviewers read one map per type; Terraform plans
 * and applies each instance on its own. Every string from the config is escaped, so it reaches
 * AWS exactly as written.
 * @returns each role's ARN by key: a literal when the account ID is known, else a reference
 */
export function addWorkspaceRoles(
  scope: Construct,
  props: WorkspaceRolesProps,
): Map<string, string> {
  const { hcp, roles, provider } = props;
  const arns = new Map<string, string>();
  if (roles.length === 0) return arns;
  const roleMap = Object.fromEntries(
    roles.map((role) => [
      role.key,
      {
        name: literal(role.roleName),
        path: literal(role.iamPath),
        description: literal(role.description),
        assume_role_policy: trustPolicyJson({
          hostname: hcp.hostname,
          audience: hcp.audience,
          providerArn: provider.arn,
          subject: role.subject,
        }),
        max_session_duration: role.maxSessionDuration ?? null,
        permissions_boundary:
          role.permissionsBoundary === undefined ? null : literal(role.permissionsBoundary),
        tags: literalMap(role.tags),
      },
    ]),
  );
  const resource = new IamRole(scope, "roles", {
    name: eachValue("name"),
    path: eachValue("path"),
    description: eachValue("description"),
    assumeRolePolicy: eachValue("assume_role_policy"),
    maxSessionDuration: eachNumber("max_session_duration"),
    permissionsBoundary: eachValue("permissions_boundary"),
    tags: eachStringMap("tags"),
  });
  pinAddress(resource, ROLE_RESOURCES.role);
  setForEach(resource, roleMap);
  const roleOf = (expression: string) =>
    `\${aws_iam_role.${ROLE_RESOURCES.role}[${expression}].name}`;

  const attachments: Record<string, { role: string; policy_arn: string }> = {};
  for (const role of roles) {
    for (const policyArn of role.policyArns) {
      attachments[attachmentKey(role.key, policyArn)] = {
        role: role.key,
        policy_arn: literal(policyArn),
      };
    }
  }
  if (Object.keys(attachments).length > 0) {
    const attachment = new IamRolePolicyAttachment(scope, "attachments", {
      role: roleOf("each.value.role"),
      policyArn: eachValue("policy_arn"),
    });
    pinAddress(attachment, ROLE_RESOURCES.attachment);
    setForEach(attachment, attachments);
  }

  const inline = Object.fromEntries(
    roles.flatMap((role) =>
      role.inlinePolicy === undefined
        ? []
        : [[role.key, { policy: literal(JSON.stringify(role.inlinePolicy)) }]],
    ),
  );
  if (Object.keys(inline).length > 0) {
    const policy = new IamRolePolicy(scope, "inline", {
      name: "inline",
      role: roleOf("each.key"),
      policy: eachValue("policy"),
    });
    pinAddress(policy, ROLE_RESOURCES.inline);
    setForEach(policy, inline);
  }

  for (const role of roles) {
    arns.set(
      role.key,
      role.arn !== undefined
        ? literal(role.arn)
        : `\${aws_iam_role.${ROLE_RESOURCES.role}["${role.key}"].arn}`,
    );
  }
  // One output for all roles: what a pipeline reads after a deploy.
  pinAddress(
    new TerraformOutput(scope, "role_arns", {
      value: Object.fromEntries(arns),
      description: "The ARN of each role, by its key (aws_iam_role.roles[KEY])",
    }),
    "role_arns",
  );
  return arns;
}
