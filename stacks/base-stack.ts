import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { addAwsProvider } from "../lib/constructs/aws-provider";
import { applyBackend } from "../lib/constructs/backend";
import { HcpOidcProvider } from "../lib/constructs/oidc-provider";
import { pinAddress } from "../lib/constructs/address";
import type { PlannedAccount, PlannedBackend, PlannedHcp } from "../lib/plan/model";
import { PRODUCT } from "../lib/product";
import { TerraformOutput } from "cdktf";

export interface BaseStackProps {
  readonly hcp: PlannedHcp;
  readonly account: PlannedAccount;
  readonly backend: PlannedBackend;
}

/** The base stack of an AWS account: the OIDC provider for the HCP Terraform host. */
export class BaseStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: BaseStackProps) {
    super(scope, id);
    const { hcp } = props;
    addAwsProvider(this, props.account);
    const provider = new HcpOidcProvider(this, "oidc-provider", {
      hostname: hcp.hostname,
      audiences: [hcp.audience],
      tags: { ManagedBy: PRODUCT, HcpOrganization: hcp.organization },
    });
    pinAddress(
      new TerraformOutput(this, "oidc_provider_arn", {
        value: provider.arn,
        description: "The IAM OIDC provider that verifies the host's workload identity tokens",
      }),
      "oidc_provider_arn",
    );
    applyBackend(this, props.backend);
  }
}
