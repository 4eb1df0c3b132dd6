import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { checkRules } from "../../lib/rules/engine";
import { hyokKmsGrantIsNarrow as rule } from "../../lib/rules/hyok-kms-grant-is-narrow";
import { baseConfig } from "../helpers/synth";
import { messages, review } from "./helpers";

const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const hyok = (extra: Record<string, unknown> = {}) =>
  baseConfig({
    aws: { region: "us-east-1", accountId: "111122223333" },
    hyok: [{ name: "primary", kmsKey: KEY, agentPool: "hyok-agents", ...extra }],
  });

describe(rule.id, () => {
  describe("Compliance", () => {
    it.each([
      ["the default actions on a key ARN", {}],
      ["one action", { kmsActions: ["kms:Decrypt"] }],
      ["the default actions on an alias", { kmsKey: "alias/hyok", region: "us-east-1" }],
      [
        "an alias ARN",
        { kmsKey: "arn:aws:kms:eu-west-1:111122223333:alias/hyok", kmsActions: ["kms:Encrypt"] },
      ],
    ])("passes %s", (_, extra) => {
      expect(messages(rule, review(hyok(extra)))).toEqual([]);
    });

    it("leaves other kinds of role alone", () => {
      expect(messages(rule, review(baseConfig()))).toEqual([]);
    });
  });

  describe("Noncompliance", () => {
    it.each([
      ["'*'", { kmsActions: ["*"] }, 'hyok[0].kmsActions[0]: hyok primary may perform "*"'],
      [
        "kms:*",
        { kmsActions: ["kms:Encrypt", "kms:*"] },
        'hyok[0].kmsActions[1]: hyok primary may perform "kms:*"',
      ],
      ["kms:Re*", { kmsActions: ["kms:Re*"] }, '"kms:Re*"'],
      ["kms:?ecrypt", { kmsActions: ["kms:?ecrypt"] }, '"kms:?ecrypt"'],
      [
        "a wildcard key ID",
        { kmsKey: "arn:aws:kms:us-east-1:111122223333:key/*" },
        "hyok[0].kmsKey: hyok primary's key",
      ],
      [
        "a wildcard alias",
        { kmsKey: "alias/hyok-*", region: "us-east-1" },
        "hyok[0].kmsKey: hyok primary's key",
      ],
    ])("fails %s", (_, extra, expected) => {
      expect(messages(rule, review(hyok(extra)))).toEqual([expect.stringContaining(expected)]);
    });
  });

  describe("opting out", () => {
    it("is an error that says how to opt out, without allowKmsWildcards", () => {
      const { errors, warnings } = checkRules(
        parseConfig(stringify(hyok({ kmsActions: ["kms:*"] }))),
      );
      expect(warnings).toEqual([]);
      expect(errors).toEqual([
        {
          rule: rule.id,
          path: "hyok[0].kmsActions[0]",
          message: expect.stringMatching(
            /may perform "kms:\*".* \(set allowKmsWildcards: true on the hyok entry to accept it\)$/,
          ),
        },
      ]);
    });

    it("is a warning with allowKmsWildcards: true on that entry", () => {
      const config = hyok({ kmsActions: ["kms:*"], allowKmsWildcards: true });
      const { errors, warnings } = checkRules(parseConfig(stringify(config)));
      expect(errors).toEqual([]);
      expect(warnings.map((w) => `${w.rule} ${w.path}`)).toEqual([
        `${rule.id} hyok[0].kmsActions[0]`,
      ]);
    });

    it("only covers the entry that opts out", () => {
      const config = hyok({ kmsActions: ["kms:*"], allowKmsWildcards: true });
      (config.hyok as Record<string, unknown>[]).push({
        name: "secondary",
        kmsKey: KEY,
        agentPool: "hyok-agents",
        kmsActions: ["*"],
      });
      const { errors, warnings } = checkRules(parseConfig(stringify(config)));
      expect(warnings.map((w) => w.path)).toEqual(["hyok[0].kmsActions[0]"]);
      expect(errors.map((e) => e.path)).toEqual(["hyok[1].kmsActions[0]"]);
    });
  });
});
