import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { fixAddress } from "../lib/address";
import type { TrustConfig } from "../lib/config/schema";
import { credentialVariables } from "../lib/credential-variables";
import { HcpOidcProvider } from "../lib/hcp-oidc-provider";
import { PRODUCT } from "../lib/product";
import { type PlannedRole, planRoles } from "../lib/role-plan";
import { WorkspaceRole } from "../lib/workspace-role";
import { WorkspaceVariables } from "../lib/workspace-variables";

export interface TrustStackProps {
  /** A validated config (see `loadConfig`). */
  readonly config: TrustConfig;
}

/**
 * Both sides of the trust for one AWS account: the OIDC provider and one role per workspace, and
 * on HCP Terraform the variables that make each workspace assume its role.
 */
export class TrustStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: TrustStackProps) {
    super(scope, id);
    const { hcp, aws } = props.config;

    new AwsProvider(this, "aws", { region: aws.region });
    // The token comes from TFE_TOKEN (or the CLI's credentials file) when Terraform runs.
    new TfeProvider(this, "tfe", { hostname: hcp.hostname });

    const provider = new HcpOidcProvider(this, "oidc-provider", {
      hostname: hcp.hostname,
      audiences: [hcp.audience],
      existingArn: aws.oidcProviderArn,
      tags: { ManagedBy: PRODUCT, HcpOrganization: hcp.organization },
    });
    if (provider.created) new TlsProvider(this, "tls");
    fixAddress(
      new TerraformOutput(this, "oidc_provider_arn", {
        value: provider.arn,
        description: `The IAM OIDC provider that verifies tokens from https://${hcp.hostname}`,
      }),
      "oidc_provider_arn",
    );

    for (const planned of planRoles(props.config)) {
      this.addWorkspace(props.config, planned, provider.arn);
    }
  }

  private addWorkspace(config: TrustConfig, planned: PlannedRole, providerArn: string): void {
    const { organization, audience } = config.hcp;
    const { workspace: ws, address } = planned;
    const where = ws.project === undefined ? "any project" : `project "${ws.project}"`;
    const tags: Record<string, string> = {
      ManagedBy: PRODUCT,
      HcpOrganization: organization,
      ...(ws.project === undefined ? {} : { HcpProject: ws.project }),
      HcpWorkspace: ws.name,
    };

    const role = new WorkspaceRole(this, `role-${ws.name}`, {
      roleName: planned.roleName,
      address,
      description: `Assumed by HCP Terraform runs of workspace ${organization}/${ws.name} (${where}). Managed by ${PRODUCT}.`,
      trustPolicy: planned.trustPolicyJson(providerArn),
      policyArns: ws.policyArns,
      inlinePolicy: ws.inlinePolicy,
      tags,
    });

    new WorkspaceVariables(this, `variables-${ws.name}`, {
      organization,
      workspace: ws.name,
      address,
      variables: credentialVariables({ runRoleArn: role.role.arn, audience }),
      description: `AWS dynamic credentials. Managed by ${PRODUCT}: change its config and deploy, not this variable.`,
    });

    fixAddress(
      new TerraformOutput(this, `${address}_role_arn`, {
        value: role.role.arn,
        description: `The role that runs of workspace ${ws.name} assume`,
      }),
      `${address}_role_arn`,
    );
  }
}
