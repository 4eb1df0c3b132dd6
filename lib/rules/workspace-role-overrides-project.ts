import { grants } from "../plan/roles";
import type { Rule, Violation } from "./rule";

/**
 * A workspace listed under `workspaces` in a project that also has a project-wide role keeps its
 * own role: the app writes the workspace's own role under every key the project's variable set
 * carries, and a workspace's variables win over a (non-priority) set's. The project's role still
 * trusts every workspace of the project, so it admits that workspace's tokens too: whoever can
 * change the workspace's variables or code can have its runs assume the project's role instead.
 * Said once per project on every synth, naming those workspaces, unless the project lists them in
 * `acknowledgeOwnRoles`: those are reported as acknowledged instead.
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/variables#precedence
 */
export const workspaceRoleOverridesProject: Rule = {
  id: "workspace-role-overrides-project",
  description:
    "Workspaces with roles of their own in a project with a project-wide role keep their own roles, for plan and apply; the project's role still admits their tokens.",
  severity: "warning",
  check({ config }) {
    const violations: Violation[] = [];
    config.projects?.forEach((project, projectIndex) => {
      const own: string[] = [];
      const acknowledged: string[] = [];
      const listed = new Set(project.acknowledgeOwnRoles ?? []);
      config.workspaces?.forEach((ws, index) => {
        // Tagged credentials add TFC_AWS_*_TAG variables, which leave the set's untagged ones alone.
        if (ws.project?.toLowerCase() !== project.name.toLowerCase() || !grants(ws)) return;
        (listed.has(ws.name) ? acknowledged : own).push(`${ws.name} (workspaces[${index}])`);
      });
      const what = `project ${JSON.stringify(project.name)} has a project-wide role, and workspaces of it have roles of their own`;
      if (own.length > 0) {
        violations.push({
          path: `projects[${projectIndex}]`,
          message: `${what}: ${own.join(", ")}. A workspace's own variables win over the project's variable set, so its plan and apply runs use its own role; but the project's role still admits its tokens too (it trusts every workspace of the project), so whoever can change the workspace's variables or code can have its runs use the project's role. To accept this, list them under acknowledgeOwnRoles on the project`,
        });
      }
      if (acknowledged.length > 0) {
        violations.push({
          path: `projects[${projectIndex}].acknowledgeOwnRoles`,
          message: `${what}, acknowledged: ${acknowledged.join(", ")}. Their plan and apply runs use their own roles; the project's role still admits their tokens too`,
          acknowledged: true,
        });
      }
    });
    return violations;
  },
};
