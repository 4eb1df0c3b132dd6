import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { addAwsProvider, addOidcProvider } from "../lib/account-trust";
import { applyBackend } from "../lib/backend";
import type { AccountConfig, TrustConfig } from "../lib/config/schema";

export interface AccountStackProps {
  readonly config: TrustConfig;
  readonly account: AccountConfig;
}

/** The base stack of an AWS account: the OIDC provider for the HCP Terraform host. */
export class AccountStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id);
    addAwsProvider(this, props.account);
    addOidcProvider(this, props.config);
    applyBackend(this, props.config, id);
  }
}
