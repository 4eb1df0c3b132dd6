import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { pinAddress } from "../lib/constructs/address";
import { addAwsProvider } from "../lib/constructs/aws-provider";
import { applyBackend } from "../lib/constructs/backend";
import { addImports, adoptedImports } from "../lib/constructs/carryover";
import { HcpOidcProvider } from "../lib/constructs/oidc-provider";
import type { ImportTarget } from "../lib/live/adoption-addresses";
import type { PlannedAccount, PlannedBackend, PlannedHcp } from "../lib/plan/model";
import { PRODUCT } from "../lib/product";

export interface BaseStackProps {
  readonly hcp: PlannedHcp;
  readonly account: PlannedAccount;
  readonly backend: PlannedBackend;
  /**
   * The account reuses a provider now (`oidcProviderArn`): the stack forgets the one it created,
   * which stays live (it may be the very provider now reused), instead of destroying it.
   * @default false
   */
  readonly retired?: boolean;
  /** An existing provider to import in place (from the adoption file). @default - none */
  readonly imports?: readonly ImportTarget[];
}

/** The base stack of an AWS account: the OIDC provider for the HCP Terraform host. */
export class BaseStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: BaseStackProps) {
    super(scope, id);
    const { hcp } = props;
    addAwsProvider(this, props.account);
    applyBackend(this, props.backend);
    if (props.retired === true) {
      new TlsProvider(this, "tls");
      this.addOverride("removed", [
        { from: "aws_iam_openid_connect_provider.hcp", lifecycle: [{ destroy: false }] },
      ]);
      return;
    }
    const provider = new HcpOidcProvider(this, "oidc-provider", {
      hostname: hcp.hostname,
      audiences: [hcp.audience],
      tags: { ManagedBy: PRODUCT, HcpOrganization: hcp.organization },
    });
    addImports(this, adoptedImports(props.imports ?? []));
    pinAddress(
      new TerraformOutput(this, "oidc_provider_arn", {
        value: provider.arn,
        description: "The IAM OIDC provider that verifies the host's workload identity tokens",
      }),
      "oidc_provider_arn",
    );
  }
}
