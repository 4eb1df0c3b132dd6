import { allowStatements } from "../iam/policy-document";
import { conditionValues, hasWildcard, type Rule, subjectPatterns, type Violation } from "./rule";

/**
 * Every trust statement checks the audience exactly and pins the organization, and its `sub`
 * names a workspace (or, for a project-wide role, a project). Without an organization condition,
 * runs of any HCP Terraform organization could assume the role.
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration#configure-aws
 */
export const trustPinsAudienceAndOrganization: Rule = {
  id: "trust-pins-audience-and-organization",
  description:
    "Trust statements check the audience with StringEquals and pin the organization and a workspace or project in sub.",
  check({ config, roles }) {
    const { hostname } = config.hcp;
    const violations: Violation[] = [];
    for (const role of roles) {
      const at = (message: string) =>
        violations.push({
          path: role.planned.path,
          message: `role ${role.planned.roleName}: ${message}`,
        });
      for (const statement of allowStatements(role.trustPolicy)) {
        const audiences = conditionValues(statement, "StringEquals", `${hostname}:aud`);
        if (audiences.length === 0 || audiences.some(hasWildcard)) {
          at(
            `the trust policy does not check ${hostname}:aud with StringEquals against an exact audience`,
          );
        }
        const subjects = subjectPatterns(statement, hostname);
        if (subjects.length === 0) {
          at(
            `the trust policy has no ${hostname}:sub condition, so runs of any organization could assume the role`,
          );
        }
        for (const subject of subjects) {
          const fields = subject.split(":");
          const [orgKey, org, projectKey, project, workspaceKey, workspace] = fields;
          if (orgKey !== "organization" || org === undefined || org === "" || hasWildcard(org)) {
            at(`sub pattern ${JSON.stringify(subject)} does not pin the organization`);
            continue;
          }
          const namesWorkspace =
            workspaceKey === "workspace" &&
            workspace !== undefined &&
            workspace !== "" &&
            !hasWildcard(workspace);
          const namesProject =
            projectKey === "project" &&
            project !== undefined &&
            project !== "" &&
            !hasWildcard(project);
          if (!namesWorkspace && !namesProject) {
            at(`sub pattern ${JSON.stringify(subject)} names neither a workspace nor a project`);
          }
        }
      }
    }
    return violations;
  },
};
