import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import { checkRules } from "../../lib/rules/engine";
import { workspaceRoleOverridesProject as rule } from "../../lib/rules/workspace-role-overrides-project";
import { baseConfig, workspace } from "../helpers/synth";
import { messages, review } from "./helpers";

const READ = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];

/** A project-wide role for Apps, and workspaces in it and elsewhere. */
function config(project: Record<string, unknown> = {}) {
  return baseConfig({
    projects: [{ name: "Apps", policyArns: READ, ...project }],
    workspaces: [
      workspace("apps-billing", { project: "Apps" }),
      workspace("elsewhere", { project: "Tools" }),
      workspace("apps-web", { project: "Apps" }),
      // Tagged credentials only: the set's untagged variables still reach its runs.
      {
        name: "apps-tagged",
        project: "Apps",
        credentials: [{ tag: "DEV", policyArns: READ }],
        policyArns: [],
      },
    ],
  });
}

const WARNING =
  "projects[0]: project \"Apps\" has a project-wide role, and workspaces of it have roles of their own: apps-billing (workspaces[0]), apps-web (workspaces[2]). A workspace's own variables win over the project's variable set, so its plan and apply runs use its own role; but the project's role still admits its tokens too (it trusts every workspace of the project), so whoever can change the workspace's variables or code can have its runs use the project's role. To accept this, list them under acknowledgeOwnRoles on the project";

describe(rule.id, () => {
  describe("Compliance", () => {
    it.each([
      [
        "a project role whose workspaces have no roles of their own",
        baseConfig({
          projects: [{ name: "Default Project", policyArns: READ }],
          workspaces: undefined,
        }),
      ],
      ["workspaces of their own in projects without a project role", baseConfig()],
    ])("says nothing of %s", (_, input) => {
      expect(messages(rule, review(input))).toEqual([]);
    });

    it("turns into an acknowledgement, not a warning, when the project lists every such workspace", () => {
      const findings = checkRules(
        parseConfig(stringify(config({ acknowledgeOwnRoles: ["apps-billing", "apps-web"] }))),
      );
      expect(findings.warnings).toEqual([]);
      expect(findings.acknowledged).toEqual([
        {
          rule: rule.id,
          path: "projects[0].acknowledgeOwnRoles",
          message:
            'project "Apps" has a project-wide role, and workspaces of it have roles of their own, acknowledged: apps-billing (workspaces[0]), apps-web (workspaces[2]). Their plan and apply runs use their own roles; the project\'s role still admits their tokens too',
        },
      ]);
    });
  });

  describe("Noncompliance", () => {
    it("warns once per project, naming every workspace with a role of its own and what the project's role still admits", () => {
      expect(messages(rule, review(config()))).toEqual([WARNING]);
      const findings = checkRules(parseConfig(stringify(config())));
      expect(findings.errors).toEqual([]);
      expect(findings.warnings.map((w) => w.rule)).toEqual([rule.id]);
    });

    it("still warns of the workspaces the project does not list", () => {
      const findings = checkRules(
        parseConfig(stringify(config({ acknowledgeOwnRoles: ["apps-web"] }))),
      );
      expect(findings.warnings.map((w) => w.message)).toEqual([
        expect.stringContaining(
          "have roles of their own: apps-billing (workspaces[0]). A workspace",
        ),
      ]);
      expect(findings.acknowledged.map((a) => a.message)).toEqual([
        expect.stringContaining("acknowledged: apps-web (workspaces[2])."),
      ]);
    });
  });
});
