import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { addAwsProvider, addRoles, providerArnIn } from "../lib/account-trust";
import { applyBackend } from "../lib/backend";
import type { AccountConfig, TrustConfig } from "../lib/config/schema";
import type { PlannedRole } from "../lib/role-plan";

export interface ShardStackProps {
  readonly config: TrustConfig;
  readonly account: AccountConfig;
  /** The roles of one account and one project (or one bucket of a project). */
  readonly roles: readonly PlannedRole[];
}

/**
 * The roles of one account and one project, and (added by the app) the HCP Terraform variables
 * of the workspaces and projects whose first role is here.
 */
export class ShardStack extends TerraformStack {
  /** Each role's ARN: a literal when the account ID is known, else a Terraform reference into this stack. */
  readonly roleArns: ReadonlyMap<PlannedRole, string>;

  constructor(scope: Construct, id: string, props: ShardStackProps) {
    super(scope, id);
    addAwsProvider(this, props.account);
    this.roleArns = addRoles(
      this,
      props.roles,
      providerArnIn(this, props.config, props.account),
      props.account,
    );
    applyBackend(this, props.config, id);
  }
}
