import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { Construct } from "constructs";
import { fixAddress, terraformName } from "./address";
import { parsePolicyArn } from "./config/arns";
import type { PlannedRole } from "./role-plan";
import { literal, literalMap } from "./terraform-text";

export interface WorkspaceRoleProps {
  /** The role as planned from the config. */
  readonly planned: PlannedRole;
  /** The ARN of the OIDC provider the role trusts (a literal or a Terraform reference). */
  readonly providerArn: string;
}

/**
 * Adds an IAM role that HCP Terraform runs assume with their workload identity token, and its
 * permissions, to a stack. The resources go straight into the stack, without a construct of
 * their own around them: at thousands of roles, every construct level costs synth time.
 */
export function addWorkspaceRole(scope: Construct, props: WorkspaceRoleProps): IamRole {
  const { planned } = props;
  const id = planned.address;
  const role = new IamRole(scope, `role-${id}`, {
    name: literal(planned.roleName),
    path: planned.iamPath === undefined ? undefined : literal(planned.iamPath),
    description: literal(planned.description),
    // Literal text but for the provider ARN, which may be a reference (see trust-policy.ts).
    assumeRolePolicy: planned.trustPolicyJson(props.providerArn),
    maxSessionDuration: planned.maxSessionDuration,
    permissionsBoundary:
      planned.permissionsBoundary === undefined ? undefined : literal(planned.permissionsBoundary),
    tags: literalMap(planned.tags),
  });
  fixAddress(role, planned.address);
  const roleName = role.name;

  for (const policyArn of planned.policyArns) {
    const policy = parsePolicyArn(policyArn);
    const label = policy === undefined ? policyArn : policyLabel(policy.owner, policy.name);
    const attachment = new IamRolePolicyAttachment(scope, `attachment-${id}-${label}`, {
      role: roleName,
      policyArn: literal(policyArn),
    });
    fixAddress(attachment, terraformName(`${planned.address}_${label}`));
  }

  if (planned.inlinePolicy !== undefined) {
    const inline = new IamRolePolicy(scope, `inline-policy-${id}`, {
      name: "inline",
      role: roleName,
      policy: literal(JSON.stringify(planned.inlinePolicy)),
    });
    fixAddress(inline, planned.address);
  }
  return role;
}

/** Policy names are unique per account, so owner and name identify a policy whatever its path. */
function policyLabel(owner: string, name: string): string {
  return owner === "aws" ? name : `${owner}_${name}`;
}
