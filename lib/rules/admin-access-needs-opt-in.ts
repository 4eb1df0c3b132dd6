import { asList } from "../iam/policy-document";
import { ownerName, type Rule, type Violation } from "./rule";

const ADMIN_POLICY = /^arn:[\w-]+:iam::aws:policy\/AdministratorAccess$/;

/** The statements of an inline policy that amount to administrator access. */
function adminStatements(
  inlinePolicy: Readonly<Record<string, unknown>> | undefined,
): Array<{ index: number; what: string }> {
  const statement = inlinePolicy?.Statement;
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
    if (actions.includes("*") && asList(Resource).includes("*"))
      return [{ index, what: `allows "Action": "*" on "Resource": "*"` }];
    if (actions.includes("iam:*"))
      return [{ index, what: `allows "iam:*", which can grant itself any permission` }];
    return [];
  });
}

/**
 * Administrator access (the AdministratorAccess policy, `"Action": "*"` on `"Resource": "*"`, or
 * `iam:*`) must be asked for with `allowAdmin: true` on the workspace or project: its runs can
 * then do anything in the account, including widening their own trust.
 */
export const adminAccessNeedsOptIn: Rule = {
  id: "admin-access-needs-opt-in",
  description: "Administrator access needs allowAdmin: true on the workspace or project.",
  optOut: "allowAdmin",
  check({ roles }) {
    const violations: Violation[] = [];
    for (const role of roles) {
      const { planned } = role;
      const who = ownerName(planned);
      const phase = planned.phase === "run" ? "" : ` (${planned.phase} role)`;
      planned.policyArns.forEach((arn, index) => {
        if (ADMIN_POLICY.test(arn)) {
          violations.push({
            path: `${planned.path}.policyArns[${index}]`,
            role,
            message: `${who}${phase} gets AdministratorAccess`,
          });
        }
      });
      for (const { index, what } of adminStatements(planned.inlinePolicy)) {
        violations.push({
          path: `${planned.path}.inlinePolicy.Statement[${index}]`,
          role,
          message: `${who}'s inline policy${phase} ${what}`,
        });
      }
    }
    return violations;
  },
};
