import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { addAccountTrust } from "../lib/account-trust";
import { applyBackend } from "../lib/backend";
import { accountsOf, type TrustConfig } from "../lib/config/schema";
import { addHcpVariables } from "../lib/hcp-variables";
import { planRoles, planVariables } from "../lib/role-plan";

export interface TrustStackProps {
  /** A validated config with the single `aws` block. */
  readonly config: TrustConfig;
}

/**
 * Both sides of the trust for a config with one account (the `aws` block): the OIDC provider and
 * the roles, and on HCP Terraform the variables that make each workspace or project use them.
 */
export class TrustStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: TrustStackProps) {
    super(scope, id);
    const { config } = props;
    const [account] = Object.values(accountsOf(config));
    if (account === undefined) throw new Error("a validated config has one account");
    const roles = planRoles(config);
    const arns = addAccountTrust(this, { config, account, roles });
    addHcpVariables(this, {
      config,
      targets: planVariables(config, roles),
      roleArn: (role) => arns.get(role) ?? missing(role.roleName),
    });
    applyBackend(this, config, id);
  }
}

export function missing(name: string): never {
  throw new Error(`role ${name} is not in the stack`);
}
