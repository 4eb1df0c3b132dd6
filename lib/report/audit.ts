import type { ReportRole } from "./model";

/**
 * Ready-to-run lookups of the `AssumeRoleWithWebIdentity` events of a role. CloudTrail records
 * each assumption with the token's `sub` as the user name, so the results say which
 * organization, project, workspace and run phase used the role.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events-cli.html
 */
export function auditQueries(role: ReportRole): { cli: string; lake: string; athena: string } {
  return {
    cli: [
      `aws cloudtrail lookup-events --region ${role.region}`,
      `--lookup-attributes AttributeKey=ResourceName,AttributeValue=${role.arn}`,
      `--query "Events[?EventName=='AssumeRoleWithWebIdentity'].[EventTime,Username]" --output table`,
    ].join(" "),
    lake: [
      "SELECT eventTime, userIdentity.username, sourceIPAddress FROM <event-data-store-id>",
      `WHERE eventName = 'AssumeRoleWithWebIdentity' AND element_at(requestParameters, 'roleArn') = '${role.arn}'`,
      "ORDER BY eventTime DESC",
    ].join(" "),
    athena: [
      "SELECT eventtime, useridentity.username, sourceipaddress FROM cloudtrail_logs",
      `WHERE eventname = 'AssumeRoleWithWebIdentity' AND json_extract_scalar(requestparameters, '$.roleArn') = '${role.arn}'`,
      "ORDER BY eventtime DESC",
    ].join(" "),
  };
}
