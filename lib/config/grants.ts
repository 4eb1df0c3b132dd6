/** The checks of one entry's grant: its permissions and its plan and apply roles. */
import { validateIdentityPolicy } from "@cloud-copilot/iam-policy";
import type { Ctx } from "./fields";
import { MAX_INLINE_POLICY_CHARS, MAX_MANAGED_POLICIES } from "./quotas";
import { quote } from "./quote";

/** The permissions of one role. */
export type Permissions = {
  policyArns: string[];
  inlinePolicy?: Record<string, unknown> | undefined;
};

/** Checks one role's permissions: limits, duplicates, and the inline policy as IAM would. */
function checkPermissions(entry: Permissions, ctx: Ctx, at: PropertyKey[], what: string): void {
  if (entry.policyArns.length === 0 && entry.inlinePolicy === undefined) {
    ctx.addIssue({
      code: "custom",
      path: at,
      message: `${what} grants nothing: give policyArns, inlinePolicy or both (a role without permissions can authenticate but do nothing)`,
      input: entry,
    });
  }
  if (entry.policyArns.length > MAX_MANAGED_POLICIES) {
    ctx.addIssue({
      code: "custom",
      path: [...at, "policyArns"],
      message: `${entry.policyArns.length} managed policies given; AWS attaches at most ${MAX_MANAGED_POLICIES} to a role (10 unless the quota is raised): combine them or move statements into inlinePolicy`,
      input: entry.policyArns,
    });
  }
  entry.policyArns.forEach((arn, index) => {
    const first = entry.policyArns.indexOf(arn);
    if (first !== index) {
      ctx.addIssue({
        code: "custom",
        path: [...at, "policyArns", index],
        message: `${quote(arn)} is listed twice (also at policyArns[${first}]); list each policy once`,
        input: arn,
      });
    }
  });
  const inline = entry.inlinePolicy;
  if (inline === undefined) return;
  for (const error of validateIdentityPolicy(inline)) {
    ctx.addIssue({
      code: "custom",
      path: [...at, "inlinePolicy", ...policyPath(error.path)],
      message: `not a valid IAM identity policy: ${error.message}`,
      input: inline,
    });
  }
  if (inline.Version !== "2012-10-17") {
    ctx.addIssue({
      code: "custom",
      path: [...at, "inlinePolicy", "Version"],
      message: `set Version: "2012-10-17" (got ${typeof inline.Version === "string" ? quote(inline.Version) : (JSON.stringify(inline.Version) ?? "none")}); with an older or missing version IAM leaves policy variables such as \${aws:username} unreplaced`,
      input: inline.Version,
    });
  }
  if (Array.isArray(inline.Statement) && inline.Statement.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: [...at, "inlinePolicy", "Statement"],
      message: "the inline policy has no statements; give at least one or leave inlinePolicy out",
      input: inline.Statement,
    });
  }
  const size = JSON.stringify(inline).length;
  if (size > MAX_INLINE_POLICY_CHARS) {
    ctx.addIssue({
      code: "custom",
      path: [...at, "inlinePolicy"],
      message: `the inline policy is ${size} characters long without whitespace; AWS allows at most ${MAX_INLINE_POLICY_CHARS} per role: move statements into a customer managed policy and list it in policyArns`,
      input: inline,
    });
  }
}

/** Turns a path such as `Statement[0].#Actions` into config path segments. */
function policyPath(path: string): Array<string | number> {
  return path
    .replace(/#/g, "")
    .split(/\.|\[(\d+)\]/)
    .filter((part): part is string => part !== undefined && part !== "")
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** An entry's grant: its own permissions, or a plan and an apply role. */
export type Grant = Permissions & {
  plan?: Permissions | undefined;
  apply?: Permissions | undefined;
  roleName?: string | undefined;
};

/**
 * Checks an entry's grant. With `required` false an entry may grant nothing at its own level
 * (a workspace whose roles are all under `credentials`).
 */
export function checkGrant(entry: Grant, ctx: Ctx, what: string, required: boolean): void {
  const split = entry.plan !== undefined || entry.apply !== undefined;
  if (!split) {
    if (required || entry.policyArns.length > 0 || entry.inlinePolicy !== undefined)
      checkPermissions(entry, ctx, [], what);
    return;
  }
  for (const phase of ["plan", "apply"] as const) {
    const block = entry[phase];
    if (block === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [phase],
        message: `${what} has ${phase === "plan" ? "apply" : "plan"}: but no ${phase}:; give both, each with its own policies, or neither`,
        input: entry,
      });
    } else {
      checkPermissions(block, ctx, [phase], `the ${phase} role of ${what}`);
    }
  }
  for (const key of ["policyArns", "inlinePolicy", "roleName"] as const) {
    const value = entry[key];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `${what} has plan: and apply: roles, so ${key} belongs under plan: and apply:, not beside them`,
        input: value,
      });
    }
  }
}
