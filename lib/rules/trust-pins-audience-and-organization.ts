import { allowStatements } from "../iam/policy-document";
import { type ParsedSubject, parseSubject, type SubjectKind } from "../run-subject";
import { conditionValues, hasWildcard, type Rule, subjectPatterns, type Violation } from "./rule";

/** What each kind of `sub` must name exactly, as said when it does not. */
const PINNED: Readonly<Record<SubjectKind, string>> = {
  run: "names neither a workspace nor a project",
  stack: "does not name its project and Stack",
  module: "does not name its module",
  hyok: "does not name its HYOK configuration",
};

/**
 * Whether a pattern names whose runs it admits: a workspace or a project for workspace runs, the
 * project and the Stack for Stack deployments, the module for module test runs.
 */
function pinsOwner(subject: ParsedSubject): boolean {
  const exact = (name: string) => {
    const value = subject.fields.find(([field]) => field === name)?.[1];
    return value !== undefined && value !== "" && !hasWildcard(value);
  };
  switch (subject.kind) {
    case "run":
      return exact("workspace") || exact("project");
    case "stack":
      return exact("project") && exact("stack");
    case "module":
      return exact("module");
    case "hyok":
      return exact("hyok_config");
  }
}

/**
 * Every trust statement checks the audience exactly and pins the organization, and its `sub`
 * names a workspace (or, for a project-wide role, a project), a Stack of a project, or a module.
 * Without an organization condition, runs of any HCP Terraform organization could assume the role.
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration#configure-aws
 */
export const trustPinsAudienceAndOrganization: Rule = {
  id: "trust-pins-audience-and-organization",
  description:
    "Trust statements check the audience with StringEquals and pin the organization and a workspace or project (a Stack, a module) in sub.",
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
          const [orgKey, org] = subject.split(":");
          if (orgKey !== "organization" || org === undefined || org === "" || hasWildcard(org)) {
            at(`sub pattern ${JSON.stringify(subject)} does not pin the organization`);
            continue;
          }
          const parsed = parseSubject(subject);
          if (parsed === undefined) {
            at(
              `sub pattern ${JSON.stringify(subject)} names neither a workspace nor a project, nor a Stack or a module`,
            );
          } else if (!pinsOwner(parsed)) {
            at(`sub pattern ${JSON.stringify(subject)} ${PINNED[parsed.kind]}`);
          }
        }
      }
    }
    return violations;
  },
};
