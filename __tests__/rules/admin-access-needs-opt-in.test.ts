import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { adminAccessNeedsOptIn as rule } from "../../lib/rules/admin-access-needs-opt-in";
import { checkRules } from "../../lib/rules/engine";
import { baseConfig, workspace } from "../helpers/synth";
import { messages, review } from "./helpers";

const inline = (statement: Record<string, unknown>) => ({
  policyArns: [],
  inlinePolicy: { Version: "2012-10-17", Statement: [statement] },
});

describe(rule.id, () => {
  describe("Compliance", () => {
    it.each([
      ["read-only access", workspace("app")],
      [
        "PowerUserAccess",
        workspace("app", { policyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] }),
      ],
      [
        "a customer policy named AdministratorAccess",
        workspace("app", { policyArns: ["arn:aws:iam::123456789012:policy/AdministratorAccess"] }),
      ],
      [
        "'*' on one bucket",
        workspace("app", inline({ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::bucket" })),
      ],
      [
        "s3:* on everything",
        workspace("app", inline({ Effect: "Allow", Action: "s3:*", Resource: "*" })),
      ],
      [
        "a Deny of iam:*",
        workspace("app", inline({ Effect: "Deny", Action: "iam:*", Resource: "*" })),
      ],
      [
        "iam:PassRole only",
        workspace("app", inline({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" })),
      ],
    ])("passes %s", (_, ws) => {
      expect(messages(rule, review(baseConfig({ workspaces: [ws] })))).toEqual([]);
    });
  });

  describe("Noncompliance", () => {
    it.each([
      [
        "AdministratorAccess",
        workspace("app", { policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }),
        "workspaces[0].policyArns[0]: workspace app gets AdministratorAccess",
      ],
      [
        "GovCloud AdministratorAccess",
        workspace("app", { policyArns: ["arn:aws-us-gov:iam::aws:policy/AdministratorAccess"] }),
        "gets AdministratorAccess",
      ],
      [
        "'*' on '*'",
        workspace("app", inline({ Effect: "Allow", Action: "*", Resource: "*" })),
        'workspaces[0].inlinePolicy.Statement[0]: workspace app\'s inline policy allows "Action": "*" on "Resource": "*"',
      ],
      [
        "'*' among other actions on '*'",
        workspace(
          "app",
          inline({ Effect: "Allow", Action: ["s3:GetObject", "*"], Resource: ["*"] }),
        ),
        'allows "Action": "*"',
      ],
      [
        "iam:*",
        workspace(
          "app",
          inline({
            Effect: "Allow",
            Action: "iam:*",
            Resource: "arn:aws:iam::123456789012:role/*",
          }),
        ),
        'allows "iam:*"',
      ],
      [
        "IAM:* in another case",
        workspace("app", inline({ Effect: "Allow", Action: ["IAM:*"], Resource: "*" })),
        'allows "iam:*"',
      ],
    ])("fails %s", (_, ws, expected) => {
      const config = baseConfig({
        aws: {
          region: ws.policyArns?.toString().includes("aws-us-gov") ? "us-gov-west-1" : "us-east-1",
        },
        workspaces: [ws],
      });
      expect(messages(rule, review(config))).toEqual([expect.stringContaining(expected)]);
    });
  });

  describe("opting out", () => {
    const admin = workspace("app", { policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] });

    it("is an error that says how to opt out, without allowAdmin", () => {
      const { errors, warnings } = checkRules(
        parseConfig(stringify(baseConfig({ workspaces: [admin] }))),
      );
      expect(warnings).toEqual([]);
      expect(errors).toEqual([
        {
          rule: rule.id,
          path: "workspaces[0].policyArns[0]",
          message:
            "workspace app gets AdministratorAccess (set allowAdmin: true on the workspace to accept it)",
        },
      ]);
    });

    it("is a warning with allowAdmin: true on that workspace", () => {
      const config = baseConfig({ workspaces: [{ ...admin, allowAdmin: true }] });
      const { errors, warnings } = checkRules(parseConfig(stringify(config)));
      expect(errors).toEqual([]);
      expect(warnings).toEqual([
        {
          rule: rule.id,
          path: "workspaces[0].policyArns[0]",
          message: "workspace app gets AdministratorAccess",
        },
      ]);
    });

    it("only covers the workspace that opts out", () => {
      const config = baseConfig({
        workspaces: [
          { ...admin, allowAdmin: true },
          { ...admin, name: "other" },
        ],
      });
      const { errors, warnings } = checkRules(parseConfig(stringify(config)));
      expect(warnings.map((w) => w.path)).toEqual(["workspaces[0].policyArns[0]"]);
      expect(errors.map((e) => e.path)).toEqual(["workspaces[1].policyArns[0]"]);
    });
  });
});
