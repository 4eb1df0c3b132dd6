import { hasWildcard, ownerName, type Rule, type Violation } from "./rule";

/**
 * A HYOK role may do only what HCP Terraform's agent does with its key encryption key (by default
 * `kms:Encrypt` and `kms:Decrypt`, https://developer.hashicorp.com/terraform/cloud-docs/hold-your-own-key/configure),
 * on that one key: a wildcard action (`*`, `kms:*`, `kms:Re*`, ...) could let the tokens of a
 * HYOK configuration change the key's policy or schedule its deletion, and a wildcard key (a key
 * ID or alias with `*`) could reach other keys. Either needs `allowKmsWildcards: true` on the entry.
 */
export const hyokKmsGrantIsNarrow: Rule = {
  id: "hyok-kms-grant-is-narrow",
  description:
    "A HYOK role gets named KMS actions on one key; wildcard actions or keys need allowKmsWildcards: true on the entry.",
  optOut: "allowKmsWildcards",
  check({ roles }) {
    const violations: Violation[] = [];
    for (const role of roles) {
      const { owner } = role.planned;
      if (owner.kind !== "hyok") continue;
      const who = ownerName(role.planned);
      owner.kms.actions.forEach((action, index) => {
        if (hasWildcard(action)) {
          violations.push({
            path: `${owner.path}.kmsActions[${index}]`,
            role,
            message: `${who} may perform ${JSON.stringify(action)}, a wildcard that reaches more than the agent needs (kms:Encrypt and kms:Decrypt), such as changing the key's policy or deleting it`,
          });
        }
      });
      const key = owner.kms.alias ?? owner.kms.resource;
      if (hasWildcard(key)) {
        violations.push({
          path: `${owner.path}.kmsKey`,
          role,
          message: `${who}'s key ${JSON.stringify(owner.kms.kekId)} holds a wildcard, so the role may use every key it matches, not one key`,
        });
      }
    }
    return violations;
  },
};
