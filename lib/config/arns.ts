import { managedPolicyNamed, managedPolicyProblem } from "./managed-policies";
import { quote } from "./quote";

/**
 * AWS identifiers the config accepts: regions, managed policy ARNs and IAM OIDC provider ARNs.
 * Formats: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */

const PARTITION = "aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc";
const IAM_NAME = "[\\w+=,.@-]";

const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
const POLICY_ARN = new RegExp(
  `^arn:(${PARTITION}):iam::(aws|\\d{12}):policy/((?:${IAM_NAME}+/)*)(${IAM_NAME}{1,128})$`,
);
// The provider for an issuer URL `https://HOST` is named after the bare host.
const OIDC_PROVIDER_ARN = new RegExp(
  `^arn:(${PARTITION}):iam::(\\d{12}):oidc-provider/([a-z0-9]([a-z0-9.-]*[a-z0-9])?)$`,
);

/** Region prefixes outside the commercial partition. */
const PARTITION_OF_REGION: ReadonlyArray<readonly [string, string]> = [
  ["cn-", "aws-cn"],
  ["us-gov-", "aws-us-gov"],
  ["us-isob-", "aws-iso-b"],
  ["us-isof-", "aws-iso-f"],
  ["us-iso-", "aws-iso"],
  ["eu-isoe-", "aws-iso-e"],
  ["eusc-", "aws-eusc"],
];

export function regionProblem(value: string): string | undefined {
  if (!REGION.test(value)) {
    return `${quote(value)} is not an AWS region; expected a region code such as "us-east-1" or "eu-central-2"`;
  }
  return undefined;
}

/** The ARN partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`, ...). */
export function partitionOfRegion(region: string): string {
  return PARTITION_OF_REGION.find(([prefix]) => region.startsWith(prefix))?.[1] ?? "aws";
}

export interface PolicyArn {
  readonly partition: string;
  /** `aws` for AWS managed policies, else the 12-digit account ID. */
  readonly owner: string;
  readonly name: string;
}

export function parsePolicyArn(value: string): PolicyArn | undefined {
  const match = POLICY_ARN.exec(value);
  if (!match) return undefined;
  const [, partition = "", owner = "", , name = ""] = match;
  return { partition, owner, name };
}

/**
 * What is wrong with a managed policy ARN on its own. The bare name of an AWS managed policy
 * (`AmazonDynamoDBFullAccess`) passes here: the config's cross-field check refuses it with the
 * full ARN in the partition of the entry's account, which only it knows.
 */
export function policyArnProblem(value: string): string | undefined {
  if (managedPolicyNamed(value) !== undefined) return undefined;
  const match = POLICY_ARN.exec(value);
  // AWS managed policies of the commercial partition: a typo is caught against their list.
  if (match?.[1] === "aws" && match[2] === "aws") {
    return managedPolicyProblem(value, `${match[3] ?? ""}${match[4] ?? ""}`);
  }
  if (match === null) {
    return `${quote(value)} is not a managed policy ARN; expected "arn:aws:iam::aws:policy/NAME" (AWS managed) or "arn:aws:iam::123456789012:policy/PATH/NAME" (customer managed), without wildcards`;
  }
  return undefined;
}

/**
 * For the bare name of an AWS managed policy (`AmazonDynamoDBFullAccess`): the message that gives
 * its ARN in each of `partitions` (one, the partition of the entry's account, when it is known).
 * Undefined for any other value.
 */
export function bareManagedPolicyProblem(
  value: string,
  partitions: readonly string[],
): string | undefined {
  const pathAndName = managedPolicyNamed(value);
  if (pathAndName === undefined) return undefined;
  const arns = partitions.map((partition) => `"arn:${partition}:iam::aws:policy/${pathAndName}"`);
  const give =
    arns.length === 1
      ? `give its ARN: ${arns[0]}`
      : `give its ARN in the partition of the entry's account: ${arns.join(" or ")}`;
  return `${quote(value)} is the name of an AWS managed policy, not its ARN; ${give}`;
}

export interface OidcProviderArn {
  readonly partition: string;
  readonly accountId: string;
  /** The provider URL without `https://`, e.g. `app.terraform.io`. */
  readonly host: string;
}

export function parseOidcProviderArn(value: string): OidcProviderArn | undefined {
  const match = OIDC_PROVIDER_ARN.exec(value);
  if (!match) return undefined;
  const [, partition = "", accountId = "", host = ""] = match;
  return { partition, accountId, host };
}

export function oidcProviderArnProblem(value: string): string | undefined {
  if (parseOidcProviderArn(value) === undefined) {
    return `${quote(value)} is not an IAM OIDC provider ARN; expected "arn:aws:iam::123456789012:oidc-provider/HOSTNAME"`;
  }
  return undefined;
}

const ROLE_ARN = new RegExp(
  `^arn:(${PARTITION}):iam::(\\d{12}):role/((?:${IAM_NAME}+/)*)(${IAM_NAME}{1,64})$`,
);

export interface RoleArn {
  readonly partition: string;
  readonly accountId: string;
}

export function parseRoleArn(value: string): RoleArn | undefined {
  const match = ROLE_ARN.exec(value);
  if (!match) return undefined;
  const [, partition = "", accountId = ""] = match;
  return { partition, accountId };
}

export function roleArnProblem(value: string): string | undefined {
  if (parseRoleArn(value) === undefined) {
    return `${quote(value)} is not an IAM role ARN; expected "arn:aws:iam::123456789012:role/NAME"`;
  }
  return undefined;
}

export function accountIdProblem(value: string): string | undefined {
  if (!/^\d{12}$/.test(value)) {
    return `${quote(value)} is not an AWS account ID; expected 12 digits, quoted in YAML ("012345678901") so leading zeros stay`;
  }
  return undefined;
}

/**
 * The ID of an account if its config reveals it: given as `accountId`, or in the ARN of its reused
 * OIDC provider or of its deploy role.
 */
export function knownAccountId(account: {
  readonly accountId?: string | undefined;
  readonly oidcProviderArn?: string | undefined;
  readonly assumeRoleArn?: string | undefined;
}): string | undefined {
  if (account.accountId !== undefined) return account.accountId;
  const provider =
    account.oidcProviderArn === undefined
      ? undefined
      : parseOidcProviderArn(account.oidcProviderArn);
  if (provider !== undefined) return provider.accountId;
  return account.assumeRoleArn === undefined
    ? undefined
    : parseRoleArn(account.assumeRoleArn)?.accountId;
}
