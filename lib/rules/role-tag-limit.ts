import { MAX_TAGS } from "../config/role-options";
import type { Rule, Violation } from "./rule";

/** A role carries at most IAM's 50 tags: the config's (defaults and entry) and the ones this app writes. */
export const roleTagLimit: Rule = {
  id: "role-tag-limit",
  description: `Roles carry at most ${MAX_TAGS} tags.`,
  check({ roles }) {
    const violations: Violation[] = [];
    for (const { planned } of roles) {
      const count = Object.keys(planned.tags).length;
      if (count > MAX_TAGS) {
        violations.push({
          path: planned.path,
          message: `role ${planned.roleName} would carry ${count} tags (with the ones this app writes); IAM allows ${MAX_TAGS}`,
        });
      }
    }
    return violations;
  },
};
