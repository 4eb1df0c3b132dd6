import type { ReportAccount } from "./model";

/** One account's audit lookups: the same three for any number of roles. */
export interface AccountAudit {
  /** A shell line that sets `ROLE_ARN`, the one parameter of the CLI lookup. */
  readonly parameter: string;
  /** `aws cloudtrail lookup-events` for the role in `$ROLE_ARN`. */
  readonly cli: string;
  /** CloudTrail Lake: every role of the account assumed by the organization's runs, per role and run. */
  readonly lake: string;
  /** The same for Athena over the CloudTrail table `cloudtrail_logs`. */
  readonly athena: string;
}

/**
 * Ready-to-run lookups of `AssumeRoleWithWebIdentity` events in one account, written once per
 * account with the role as a parameter. CloudTrail records each assumption with the token's `sub`
 * as the user name, so the results say which organization, project, workspace and run phase used
 * which role; `sub` starts with `organization:ORG:`, which selects this organization's runs.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events-cli.html
 */
export function accountAudit(
  account: ReportAccount,
  organization: string,
  exampleRoleArn: string,
): AccountAudit {
  const org = organization.replace(/'/g, "''");
  const inAccount = (column: string) =>
    account.accountId === undefined ? "" : ` AND ${column} = '${account.accountId}'`;
  return {
    parameter: `ROLE_ARN='${exampleRoleArn}'   # the ARN of any role in the tables above`,
    cli: [
      `aws cloudtrail lookup-events --region ${account.region}`,
      `--lookup-attributes AttributeKey=ResourceName,AttributeValue="$ROLE_ARN"`,
      `--query "Events[?EventName=='AssumeRoleWithWebIdentity'].[EventTime,Username]" --output table`,
    ].join(" "),
    lake: [
      "SELECT element_at(requestParameters, 'roleArn') AS role_arn, userIdentity.username AS run,",
      "count(*) AS assumptions, max(eventTime) AS last_seen FROM <event-data-store-id>",
      `WHERE eventName = 'AssumeRoleWithWebIdentity'${inAccount("recipientAccountId")}`,
      `AND userIdentity.username LIKE 'organization:${org}:%'`,
      "GROUP BY 1, 2 ORDER BY 1, 2",
    ].join("\n"),
    athena: [
      "SELECT json_extract_scalar(requestparameters, '$.roleArn') AS role_arn, useridentity.username AS run,",
      "count(*) AS assumptions, max(eventtime) AS last_seen FROM cloudtrail_logs",
      `WHERE eventname = 'AssumeRoleWithWebIdentity'${inAccount("recipientaccountid")}`,
      `AND useridentity.username LIKE 'organization:${org}:%'`,
      "GROUP BY 1, 2 ORDER BY 1, 2",
    ].join("\n"),
  };
}
