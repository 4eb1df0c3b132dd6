import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { fixAddress } from "./address";
import type { AccountConfig, TrustConfig } from "./config/schema";
import { HcpOidcProvider } from "./hcp-oidc-provider";
import { PRODUCT } from "./product";
import { knownAccountId, type PlannedRole } from "./role-plan";
import { WorkspaceRole } from "./workspace-role";

export interface AccountTrustProps {
  readonly config: TrustConfig;
  readonly account: AccountConfig;
  /** The roles of this account. */
  readonly roles: readonly PlannedRole[];
}

/**
 * Adds the AWS side of one account to a stack: the AWS provider, the OIDC provider (created or
 * reused), and each role with its permissions and an output of its ARN.
 * @returns each role's ARN (a Terraform reference), by role
 */
export function addAccountTrust(
  scope: Construct,
  props: AccountTrustProps,
): Map<PlannedRole, string> {
  const { config, account } = props;
  const accountId = knownAccountId(account);
  new AwsProvider(scope, "aws", {
    region: account.region,
    // Refuses credentials of any other account, so a stack is never deployed into the wrong one.
    allowedAccountIds: accountId === undefined ? undefined : [accountId],
    assumeRole:
      account.assumeRoleArn === undefined
        ? undefined
        : [{ roleArn: account.assumeRoleArn, sessionName: PRODUCT }],
  });
  const provider = new HcpOidcProvider(scope, "oidc-provider", {
    hostname: config.hcp.hostname,
    audiences: [config.hcp.audience],
    existingArn: account.oidcProviderArn,
    tags: { ManagedBy: PRODUCT, HcpOrganization: config.hcp.organization },
  });
  if (provider.created) new TlsProvider(scope, "tls");
  fixAddress(
    new TerraformOutput(scope, "oidc_provider_arn", {
      value: provider.arn,
      description: `The IAM OIDC provider that verifies tokens from https://${config.hcp.hostname}`,
    }),
    "oidc_provider_arn",
  );

  const arns = new Map<PlannedRole, string>();
  for (const planned of props.roles) {
    const role = new WorkspaceRole(scope, `role-${planned.address}`, {
      planned,
      providerArn: provider.arn,
    });
    arns.set(planned, role.arn);
  }
  // One output for all roles: one element instead of one per role.
  fixAddress(
    new TerraformOutput(scope, "role_arns", {
      value: Object.fromEntries([...arns].map(([planned, arn]) => [planned.address, arn])),
      description: "The ARN of each role, by its address (aws_iam_role.NAME)",
    }),
    "role_arns",
  );
  return arns;
}
