import type { Rule, Violation } from "./rule";

/**
 * A workspace listed under `workspaces` in a project that also has a project-wide role keeps its
 * own role: its own variables win over the project's variable set. Said on every synth, so the
 * difference is never a surprise.
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/variables#precedence
 */
export const workspaceRoleOverridesProject: Rule = {
  id: "workspace-role-overrides-project",
  description:
    "A workspace with its own role in a project with a project-wide role keeps its own role.",
  severity: "warning",
  check({ config }) {
    const violations: Violation[] = [];
    const projects = new Map((config.projects ?? []).map((p, i) => [p.name.toLowerCase(), i]));
    config.workspaces?.forEach((ws, index) => {
      const projectIndex =
        ws.project === undefined ? undefined : projects.get(ws.project.toLowerCase());
      // Tagged credentials add TFC_AWS_*_TAG variables, which leave the set's untagged ones alone.
      const ownDefault =
        ws.policyArns.length > 0 || ws.inlinePolicy !== undefined || ws.plan !== undefined;
      if (projectIndex === undefined || !ownDefault) return;
      violations.push({
        path: `workspaces[${index}]`,
        message: `workspace ${ws.name} is in project ${JSON.stringify(ws.project)}, which has a project-wide role (projects[${projectIndex}]); the workspace's own variables win, so its runs use its own role, not the project's`,
      });
    });
    return violations;
  },
};
