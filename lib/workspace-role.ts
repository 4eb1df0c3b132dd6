import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { fixAddress, terraformName } from "./address";
import { parsePolicyArn } from "./config/arns";
import { escapeTemplate } from "./trust-policy";

export interface WorkspaceRoleProps {
  /** The IAM role name. */
  readonly roleName: string;
  /** The Terraform name shared by the role's resources, e.g. `ws_networking-prod`. */
  readonly address: string;
  readonly description: string;
  /** The trust policy JSON, written as it is (see `trustPolicyJson`). */
  readonly trustPolicy: string;
  /** Managed policies to attach. */
  readonly policyArns: readonly string[];
  /**
   * An IAM policy document attached as the role's inline policy.
   * @default - no inline policy
   */
  readonly inlinePolicy?: Readonly<Record<string, unknown>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** An IAM role that HCP Terraform runs assume with their workload identity token, and its permissions. */
export class WorkspaceRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: WorkspaceRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: props.trustPolicy,
      tags: { ...props.tags },
    });
    fixAddress(this.role, props.address);

    for (const policyArn of props.policyArns) {
      const policy = parsePolicyArn(policyArn);
      const label = policy === undefined ? policyArn : policyLabel(policy.owner, policy.name);
      const attachment = new IamRolePolicyAttachment(this, `policy-${label}`, {
        role: this.role.name,
        policyArn,
      });
      fixAddress(attachment, terraformName(`${props.address}_${label}`));
    }

    if (props.inlinePolicy !== undefined) {
      const inline = new IamRolePolicy(this, "inline-policy", {
        name: "inline",
        role: this.role.name,
        policy: escapeTemplate(JSON.stringify(props.inlinePolicy)),
      });
      fixAddress(inline, props.address);
    }
  }
}

/** Policy names are unique per account, so owner and name identify a policy whatever its path. */
function policyLabel(owner: string, name: string): string {
  return owner === "aws" ? name : `${owner}_${name}`;
}
