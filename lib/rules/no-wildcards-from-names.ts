import { allowStatements } from "../iam/policy-document";
import type { Owner, Phase } from "../plan/model";
import { SUBJECT_FIELDS, type SubjectKind } from "../run-subject";
import { hasWildcard, type Rule, subjectPatterns, type Violation } from "./rule";

/**
 * The fields a role's `sub` pattern must have, from the config's names alone: `*` only where
 * this app means it (every phase or operation, an omitted project, every workspace of a project,
 * every deployment of a Stack).
 */
function expectedFields(
  owner: Owner,
  phase: Phase,
  organization: string,
): { kind: SubjectKind; values: readonly string[] } {
  const phaseMatch = phase === "run" ? "*" : phase;
  switch (owner.kind) {
    case "workspace":
      return { kind: "run", values: [organization, owner.project ?? "*", owner.name, phaseMatch] };
    case "project":
      return { kind: "run", values: [organization, owner.name, "*", phaseMatch] };
    case "stack":
      return {
        kind: "stack",
        values: [organization, owner.project, owner.name, owner.deployment ?? "*", "*"],
      };
    case "module":
      return { kind: "module", values: [organization, owner.subjectName, "test_run"] };
    case "hyok":
      return { kind: "hyok", values: [organization, owner.name] };
  }
}

/**
 * The only wildcards in a `sub` pattern are the ones this app writes: the run phase of a role
 * shared by both phases, the project of a workspace given without one, the workspace of a
 * project-wide role, and a Stack role's operation (and deployment, with `deployments: any`).
 * Every name field equals the config's name exactly, so no name can widen the match.
 */
export const noWildcardsFromNames: Rule = {
  id: "no-wildcards-from-names",
  description:
    "Names in sub patterns are the config's names, verbatim; the only wildcards are the run phase (or a Stack's operation), an omitted project, a project-wide role's workspace and a Stack's any deployment.",
  check({ config, roles }) {
    const { hostname, organization } = config.hcp;
    const violations: Violation[] = [];
    for (const role of roles) {
      const { owner, phase, path, roleName } = role.planned;
      const { kind, values } = expectedFields(owner, phase, organization);
      const names = SUBJECT_FIELDS[kind];
      const form = names.map((name) => `${name}:${name.toUpperCase()}`).join(":");
      for (const statement of allowStatements(role.trustPolicy)) {
        for (const subject of subjectPatterns(statement, hostname)) {
          const fields = subject.split(":");
          const problem = (why: string) =>
            violations.push({
              path,
              message: `role ${roleName}: sub pattern ${JSON.stringify(subject)} ${why}`,
            });
          if (fields.length !== names.length * 2) {
            problem(`is not of the form ${form}`);
            continue;
          }
          names.forEach((key, i) => {
            const [actualKey, actual] = [fields[2 * i], fields[2 * i + 1] ?? ""];
            const value = values[i] ?? "";
            if (actualKey !== key) {
              problem(`has ${JSON.stringify(actualKey)} where "${key}" belongs`);
            } else if (actual !== value) {
              const wildcard = hasWildcard(actual) ? " and holds a wildcard" : "";
              problem(
                `has ${key} ${JSON.stringify(actual)}${wildcard}; the config says ${JSON.stringify(value)}`,
              );
            }
          });
        }
      }
    }
    return violations;
  },
};
