import { grants } from "../plan/roles";
import type { Rule, Violation } from "./rule";

/**
 * A workspace listed under `workspaces` in a project that also has a project-wide role keeps its
 * own role: the app writes the workspace's own role under every key the project's variable set
 * carries, and a workspace's variables win over a (non-priority) set's. Said on every synth, so
 * the difference is never a surprise.
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/variables#precedence
 */
export const workspaceRoleOverridesProject: Rule = {
  id: "workspace-role-overrides-project",
  description:
    "A workspace with its own role in a project with a project-wide role keeps its own role, for plan and apply.",
  severity: "warning",
  check({ config }) {
    const violations: Violation[] = [];
    const projects = new Map((config.projects ?? []).map((p, i) => [p.name.toLowerCase(), i]));
    config.workspaces?.forEach((ws, index) => {
      const projectIndex =
        ws.project === undefined ? undefined : projects.get(ws.project.toLowerCase());
      // Tagged credentials add TFC_AWS_*_TAG variables, which leave the set's untagged ones alone.
      if (projectIndex === undefined || !grants(ws)) return;
      violations.push({
        path: `workspaces[${index}]`,
        message: `workspace ${ws.name} is in project ${JSON.stringify(ws.project)}, which has a project-wide role (projects[${projectIndex}]); the workspace's own variables name its own role for every key the project's variable set carries, so its plan and apply runs use its own role, not the project's`,
      });
    });
    return violations;
  },
};
