import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { reviewOf } from "../../lib/rules/engine";
import type { Review, Rule } from "../../lib/rules/rule";
import type { PolicyDocument } from "../../lib/trust-policy";
import { baseConfig, type ConfigInput } from "../helpers/synth";

/** The review of a config, as the app runs it before building anything. */
export function review(config: ConfigInput = baseConfig()): Review {
  return reviewOf(parseConfig(stringify(config)));
}

/** A trust statement, open to edits in tests. */
export type Statement = Record<string, unknown> & {
  Condition: { StringEquals?: Record<string, unknown>; StringLike?: Record<string, unknown> };
};

/** The review of the base config, with its one trust statement changed (as a hand edit or a bug would). */
export function tampered(
  change: (statement: Statement) => void,
  config: ConfigInput = baseConfig(),
): Review {
  const original = review(config);
  return {
    ...original,
    roles: original.roles.map((role) => {
      const doc = structuredClone(role.trustPolicy) as PolicyDocument & { Statement: Statement[] };
      for (const statement of doc.Statement) change(statement);
      return { ...role, trustPolicy: doc, trustPolicyJson: JSON.stringify(doc) };
    }),
  };
}

/** The messages of a rule's violations. */
export function messages(rule: Rule, input: Review): string[] {
  return rule.check(input).map((v) => `${v.path}: ${v.message}`);
}
