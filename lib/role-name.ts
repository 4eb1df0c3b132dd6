import { shortHash } from "./hash";

/** IAM's limit on role names. */
export const MAX_ROLE_NAME_LENGTH = 64;
/** The prefix of every role name this app derives. */
export const ROLE_NAME_PREFIX = "tfc";

const HASH_LENGTH = 8;

/**
 * A deterministic IAM role name from name parts: `tfc-ORG-WORKSPACE`.
 * Names longer than IAM's 64 characters are cut and end in a hash of the full name, so they
 * stay unique and never change between synths. Parts are validated names (letters, digits,
 * `-`, `_`), which IAM accepts as they are.
 */
export function roleName(parts: readonly string[]): string {
  const full = [ROLE_NAME_PREFIX, ...parts].join("-");
  if (full.length <= MAX_ROLE_NAME_LENGTH) return full;
  const hash = shortHash(full, HASH_LENGTH);
  return `${full.slice(0, MAX_ROLE_NAME_LENGTH - HASH_LENGTH - 1)}-${hash}`;
}
