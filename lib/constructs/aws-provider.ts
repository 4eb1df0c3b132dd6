import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Construct } from "constructs";
import type { PlannedAccount } from "../plan/model";
import { PRODUCT } from "../product";
import { literal } from "../terraform-text";

/** The AWS provider of a stack that deploys into an account. */
export function addAwsProvider(scope: Construct, account: PlannedAccount): void {
  new AwsProvider(scope, "aws", {
    region: literal(account.region),
    // Refuses credentials of any other account, so a stack is never deployed into the wrong one.
    allowedAccountIds: account.accountId === undefined ? undefined : [literal(account.accountId)],
    assumeRole:
      account.assumeRoleArn === undefined
        ? undefined
        : [{ roleArn: literal(account.assumeRoleArn), sessionName: PRODUCT }],
  });
}
