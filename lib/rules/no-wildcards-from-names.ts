import { allowStatements } from "../iam/policy-document";
import { hasWildcard, type Rule, subjectPatterns, type Violation } from "./rule";

/**
 * The only wildcards in a `sub` pattern are the ones this app writes: the run phase of a role
 * shared by both phases, the project of a workspace given without one, and the workspace of a
 * project-wide role. Every name field equals the config's name exactly, so no name can widen
 * the match.
 */
export const noWildcardsFromNames: Rule = {
  id: "no-wildcards-from-names",
  description:
    "Names in sub patterns are the config's names, verbatim; the only wildcards are the run phase, an omitted project and a project-wide role's workspace.",
  check({ config, roles }) {
    const { hostname, organization } = config.hcp;
    const violations: Violation[] = [];
    for (const role of roles) {
      const { owner, phase, path, roleName } = role.planned;
      const expected = [
        ["organization", organization],
        ["project", owner.kind === "workspace" ? (owner.project ?? "*") : owner.name],
        ["workspace", owner.kind === "workspace" ? owner.name : "*"],
        ["run_phase", phase === "run" ? "*" : phase],
      ] as const;
      for (const statement of allowStatements(role.trustPolicy)) {
        for (const subject of subjectPatterns(statement, hostname)) {
          const fields = subject.split(":");
          const problem = (why: string) =>
            violations.push({
              path,
              message: `role ${roleName}: sub pattern ${JSON.stringify(subject)} ${why}`,
            });
          if (fields.length !== 8) {
            problem(
              "is not of the form organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:PHASE",
            );
            continue;
          }
          expected.forEach(([key, value], i) => {
            const [actualKey, actual] = [fields[2 * i], fields[2 * i + 1] ?? ""];
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
