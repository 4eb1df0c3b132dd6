import type { Rule, Violation } from "./rule";

/**
 * Two roles of one account never share a name (IAM compares names without case) or a Terraform
 * address: a `roleName` override, a credentials tag or a long name cut to 64 characters could
 * otherwise make one entry take over another's role.
 */
export const uniqueRoleNames: Rule = {
  id: "unique-role-names",
  description: "Roles of one account have distinct names (without case) and distinct addresses.",
  check({ roles }) {
    const violations: Violation[] = [];
    const names = new Map<string, string>();
    const addresses = new Map<string, string>();
    for (const { planned } of roles) {
      const name = `${planned.account}\u0000${planned.roleName.toLowerCase()}`;
      const address = `${planned.account}\u0000${planned.key}`;
      const sameName = names.get(name);
      if (sameName !== undefined) {
        violations.push({
          path: planned.path,
          message: `role name ${planned.roleName} is also the name of the role of ${sameName} in account ${planned.account}; set roleName on one of them`,
        });
      } else {
        names.set(name, planned.path);
      }
      const sameAddress = addresses.get(address);
      if (sameAddress !== undefined) {
        violations.push({
          path: planned.path,
          message: `the role's address aws_iam_role.roles["${planned.key}"] is also the address of the role of ${sameAddress}; rename the workspace or the credentials tag`,
        });
      } else {
        addresses.set(address, planned.path);
      }
    }
    return violations;
  },
};
