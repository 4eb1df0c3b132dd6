import { adminAccessNeedsOptIn } from "./admin-access-needs-opt-in";
import { hyokKmsGrantIsNarrow } from "./hyok-kms-grant-is-narrow";
import { noWildcardsFromNames } from "./no-wildcards-from-names";
import { providerHostMatches } from "./provider-host-matches";
import { roleTagLimit } from "./role-tag-limit";
import type { Rule } from "./rule";
import { subjectLength } from "./subject-length";
import { trustPinsAudienceAndOrganization } from "./trust-pins-audience-and-organization";
import { trustPolicySize } from "./trust-policy-size";
import { uniqueRoleNames } from "./unique-role-names";
import { workspaceRoleOverridesProject } from "./workspace-role-overrides-project";

/** Every safety rule the synth runs, in the order their findings are printed; each rule lives in its own file. */
export const RULES: readonly Rule[] = [
  trustPinsAudienceAndOrganization,
  noWildcardsFromNames,
  adminAccessNeedsOptIn,
  hyokKmsGrantIsNarrow,
  trustPolicySize,
  subjectLength,
  providerHostMatches,
  uniqueRoleNames,
  roleTagLimit,
  workspaceRoleOverridesProject,
];
