import { knownAccountId, partitionOfRegion } from "../config/arns";
import { SINGLE_ACCOUNT } from "../config/constants";
import type { AccountConfig, TrustConfig } from "../config/schema";
import { oidcProviderArnFor } from "../iam/web-identity";
import type { PlannedAccount } from "./model";
import type { PlanAccount, PlanRole } from "./summary";

/** The accounts of a config by name; a config with the `aws` block has one, named `default`. */
export function accountsOf(config: TrustConfig): Record<string, AccountConfig> {
  if (config.accounts !== undefined) return config.accounts;
  if (config.aws !== undefined) return { [SINGLE_ACCOUNT]: config.aws };
  throw new Error("a validated config has aws or accounts");
}

/** The accounts of a validated config, in config order. */
export function planAccounts(config: TrustConfig): PlannedAccount[] {
  return Object.entries(accountsOf(config)).map(([name, account]) =>
    planAccount(name, account, config.hcp.hostname),
  );
}

function planAccount(name: string, account: AccountConfig, hostname: string): PlannedAccount {
  const partition = partitionOfRegion(account.region);
  const accountId = knownAccountId(account);
  const reused = account.oidcProviderArn;
  const providerArn =
    reused ??
    (accountId === undefined ? undefined : oidcProviderArnFor(hostname, partition, accountId));
  return {
    name,
    region: account.region,
    partition,
    ...(accountId === undefined ? {} : { accountId }),
    ...(account.assumeRoleArn === undefined ? {} : { assumeRoleArn: account.assumeRoleArn }),
    oidcProvider: reused === undefined ? { kind: "created" } : { kind: "reused", arn: reused },
    ...(providerArn === undefined ? {} : { oidcProviderArn: providerArn }),
  };
}

/** The ARN a role will have: `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`. */
export function roleArnFor(
  partition: string,
  accountId: string,
  iamPath: string,
  name: string,
): string {
  return `arn:${partition}:iam::${accountId}:role${iamPath}${name}`;
}

/**
 * The ARN a planned role has, or will have: with the account's ID when the plan knows it, else
 * with `unknownAccount` in its place (the account the stack is deployed to).
 */
export function plannedRoleArn(
  role: PlanRole,
  account: PlanAccount | undefined,
  unknownAccount: string,
): string {
  return (
    role.arn ?? roleArnFor(account?.partition ?? "aws", unknownAccount, role.iamPath, role.roleName)
  );
}
