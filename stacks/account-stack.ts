import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { addAccountTrust } from "../lib/account-trust";
import { applyBackend } from "../lib/backend";
import type { AccountConfig, TrustConfig } from "../lib/config/schema";
import type { PlannedRole } from "../lib/role-plan";

export interface AccountStackProps {
  readonly config: TrustConfig;
  readonly account: AccountConfig;
  /** The roles that live in this account. */
  readonly roles: readonly PlannedRole[];
}

/** The AWS side of one account of a config with `accounts`: the OIDC provider and the roles. */
export class AccountStack extends TerraformStack {
  /** Each role's ARN as a Terraform reference into this stack. */
  readonly roleArns: ReadonlyMap<PlannedRole, string>;

  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id);
    this.roleArns = addAccountTrust(this, props);
    applyBackend(this, props.config, id);
  }
}
