import { describe, expect, it } from "vitest";
import type { ReviewedRole } from "../../lib/rules/rule";
import {
  MAX_TRUST_POLICY_LENGTH,
  trustPolicySize as rule,
} from "../../lib/rules/trust-policy-size";
import { baseConfig, workspace } from "../helpers/synth";
import { messages, review } from "./helpers";

/** The base review with its role's trust policy padded to `length` characters. */
function withLength(length: number) {
  const input = review();
  const role = input.roles[0] as ReviewedRole;
  const padding = length - role.trustPolicyJson.length - ',"Sid":""'.length;
  const doc = {
    ...role.trustPolicy,
    Statement: [{ Sid: "x".repeat(padding), ...role.trustPolicy.Statement[0] }],
  };
  const json = JSON.stringify(doc);
  return { ...input, roles: [{ ...role, trustPolicy: doc, trustPolicyJson: json }] };
}

describe(rule.id, () => {
  describe("Compliance", () => {
    it("passes the longest names the config accepts", () => {
      const config = baseConfig({
        hcp: {
          organization: "o".repeat(255),
          hostname: `${"h".repeat(60)}.${"h".repeat(60)}.example.com`,
          audience: "a".repeat(255),
        },
        workspaces: [workspace("w".repeat(90), { project: "p".repeat(40) })],
      });
      const input = review(config);
      expect(input.roles[0]?.trustPolicyJson.length).toBeGreaterThan(1000);
      expect(messages(rule, input)).toEqual([]);
    });

    it(`passes a trust policy of exactly ${MAX_TRUST_POLICY_LENGTH} characters`, () => {
      const input = withLength(MAX_TRUST_POLICY_LENGTH);
      expect(input.roles[0]?.trustPolicyJson).toHaveLength(MAX_TRUST_POLICY_LENGTH);
      expect(messages(rule, input)).toEqual([]);
    });
  });

  describe("Noncompliance", () => {
    it(`fails a trust policy of ${MAX_TRUST_POLICY_LENGTH + 1} characters, naming the role and the excess`, () => {
      expect(messages(rule, withLength(MAX_TRUST_POLICY_LENGTH + 1))).toEqual([
        "workspaces[0]: role tfc-acme-app-prod: the trust policy is 2049 characters, 1 over IAM's limit of 2048; shorten the names it holds",
      ]);
    });
  });
});
