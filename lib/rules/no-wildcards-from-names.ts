import { allowStatements, hasWildcard, type Rule, subjectPatterns, type Violation } from "./rule";

const PHASES = new Set(["*", "plan", "apply"]);

/**
 * The only wildcards in a `sub` pattern are the ones this app writes: the run phase, and the
 * whole project field when the config gives no project. Every name field equals the config's name
 * exactly, so no name can widen the match.
 */
export const noWildcardsFromNames: Rule = {
  id: "no-wildcards-from-names",
  description:
    "Names in sub patterns are the config's names, verbatim; only the run phase and an omitted project are wildcards.",
  check({ config, roles }) {
    const { hostname, organization } = config.hcp;
    const violations: Violation[] = [];
    for (const role of roles) {
      const ws = role.workspace;
      const expected = [
        ["organization", organization],
        ["project", ws.project ?? "*"],
        ["workspace", ws.name],
      ] as const;
      for (const statement of allowStatements(role.trustPolicy)) {
        const subjects = subjectPatterns(statement, hostname);
        for (const subject of subjects) {
          const fields = subject.split(":");
          const problem = (why: string) =>
            violations.push({
              path: role.path,
              message: `role ${role.roleName}: sub pattern ${JSON.stringify(subject)} ${why}`,
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
          const [phaseKey, phase] = [fields[6], fields[7] ?? ""];
          if (phaseKey !== "run_phase" || !PHASES.has(phase)) {
            problem(
              `ends in ${JSON.stringify(`${phaseKey}:${phase}`)}; expected run_phase:plan, run_phase:apply or run_phase:*`,
            );
          }
        }
      }
    }
    return violations;
  },
};
