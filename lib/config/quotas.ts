/**
 * AWS's quotas on one IAM role, and the bounds of `shards`: a config that would exceed them is
 * refused when it is read, so a deploy never meets them.
 */

/** AWS's hard quota on managed policies per role (the default quota is 10). */
export const MAX_MANAGED_POLICIES = 20;
/** AWS's limit on the inline policies of one role, counted without whitespace. */
export const MAX_INLINE_POLICY_CHARS = 10_240;
/** The smallest and largest number of stacks a project may be split into (`shards`). */
export const MIN_SHARDS = 2;
export const MAX_SHARDS = 64;
