import type { WorkspaceConfig } from "../config/schema";
import type { Rule, Violation } from "./rule";

const ADMIN_POLICY = /^arn:[\w-]+:iam::aws:policy\/AdministratorAccess$/;

function asList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** What in an inline policy amounts to administrator access, as messages. */
function adminStatements(ws: WorkspaceConfig): Array<{ path: string; what: string }> {
  const statement = ws.inlinePolicy?.Statement;
  const statements: unknown[] = Array.isArray(statement)
    ? statement
    : statement === undefined
      ? []
      : [statement];
  return statements.flatMap((s, index) => {
    if (typeof s !== "object" || s === null) return [];
    const { Effect, Action, Resource } = s as Record<string, unknown>;
    if (Effect !== "Allow") return [];
    const actions = asList(Action).map((a) => a.toLowerCase());
    const path = `inlinePolicy.Statement[${index}]`;
    if (actions.includes("*") && asList(Resource).includes("*"))
      return [{ path, what: `allows "Action": "*" on "Resource": "*"` }];
    if (actions.includes("iam:*"))
      return [{ path, what: `allows "iam:*", which can grant itself any permission` }];
    return [];
  });
}

/**
 * Administrator access (the AdministratorAccess policy, `"Action": "*"` on `"Resource": "*"`, or
 * `iam:*`) must be asked for with `allowAdmin: true` on the workspace: a run of that workspace can
 * then do anything in the account, including widening its own trust.
 */
export const adminAccessNeedsOptIn: Rule = {
  id: "admin-access-needs-opt-in",
  description: "Administrator access needs allowAdmin: true on the workspace.",
  optOut: "allowAdmin",
  check({ roles }) {
    const violations: Violation[] = [];
    for (const { workspace: ws, path } of roles) {
      ws.policyArns.forEach((arn, index) => {
        if (ADMIN_POLICY.test(arn)) {
          violations.push({
            path: `${path}.policyArns[${index}]`,
            workspace: ws,
            message: `workspace ${ws.name} gets AdministratorAccess`,
          });
        }
      });
      for (const { path: at, what } of adminStatements(ws)) {
        violations.push({
          path: `${path}.${at}`,
          workspace: ws,
          message: `workspace ${ws.name}'s inline policy ${what}`,
        });
      }
    }
    return violations;
  },
};
