import { DataAwsIamOpenidConnectProvider } from "@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { fixAddress } from "./address";
import { partitionOfRegion } from "./config/arns";
import type { AccountConfig, TrustConfig } from "./config/schema";
import { HcpOidcProvider } from "./hcp-oidc-provider";
import { oidcProviderArnFor } from "./iam/web-identity";
import { PRODUCT } from "./product";
import { knownAccountId, type PlannedRole, roleArn } from "./role-plan";
import { literal, literalMap } from "./terraform-text";
import { addWorkspaceRole } from "./workspace-role";

/** The AWS provider of a stack that deploys into an account. */
export function addAwsProvider(scope: Construct, account: AccountConfig): void {
  const accountId = knownAccountId(account);
  new AwsProvider(scope, "aws", {
    region: literal(account.region),
    // Refuses credentials of any other account, so a stack is never deployed into the wrong one.
    allowedAccountIds: accountId === undefined ? undefined : [literal(accountId)],
    assumeRole:
      account.assumeRoleArn === undefined
        ? undefined
        : [{ roleArn: literal(account.assumeRoleArn), sessionName: PRODUCT }],
  });
}

/** The account's OIDC provider for the HCP Terraform host, created, with an output of its ARN. */
export function addOidcProvider(scope: Construct, config: TrustConfig): void {
  const provider = new HcpOidcProvider(scope, "oidc-provider", {
    hostname: literal(config.hcp.hostname),
    audiences: [literal(config.hcp.audience)],
    tags: literalMap({ ManagedBy: PRODUCT, HcpOrganization: config.hcp.organization }),
  });
  new TlsProvider(scope, "tls");
  fixAddress(
    new TerraformOutput(scope, "oidc_provider_arn", {
      value: provider.arn,
      description: literal(
        `The IAM OIDC provider that verifies tokens from https://${config.hcp.hostname}`,
      ),
    }),
    "oidc_provider_arn",
  );
}

/**
 * The ARN of the account's OIDC provider, as a stack other than the account's base stack sees
 * it: the reused ARN; the ARN the created provider has, when the account ID is known; else a
 * lookup of the provider by its URL when Terraform plans.
 */
export function providerArnIn(
  scope: Construct,
  config: TrustConfig,
  account: AccountConfig,
): string {
  if (account.oidcProviderArn !== undefined) return literal(account.oidcProviderArn);
  const accountId = knownAccountId(account);
  if (accountId !== undefined) {
    return literal(
      oidcProviderArnFor(config.hcp.hostname, partitionOfRegion(account.region), accountId),
    );
  }
  const lookup = new DataAwsIamOpenidConnectProvider(scope, "oidc-provider", {
    url: literal(`https://${config.hcp.hostname}`),
  });
  fixAddress(lookup, "hcp");
  return lookup.arn;
}

/**
 * Adds roles with their permissions to a stack, and one output with all their ARNs.
 * @returns each role's ARN, by role: a literal when the account ID is known (a reviewer reads the
 * ARN itself, and Terraform has one reference less to resolve), else a Terraform reference
 */
export function addRoles(
  scope: Construct,
  roles: readonly PlannedRole[],
  providerArn: string,
  account: AccountConfig,
): Map<PlannedRole, string> {
  const accountId = knownAccountId(account);
  const arns = new Map<PlannedRole, string>();
  for (const planned of roles) {
    const role = addWorkspaceRole(scope, { planned, providerArn });
    arns.set(
      planned,
      accountId === undefined ? role.arn : literal(roleArn(planned, account, accountId)),
    );
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
