/** The single fields of the config and the shapes its entries share, each checked on its own. */
import { z } from "zod";
import { policyArnProblem } from "./arns";
import { MANAGED_TAG_KEYS } from "./constants";
import { PHASE, ROLE_OPTION, WORKSPACE } from "./descriptions";
import {
  descriptionProblem,
  iamPathProblem,
  MAX_SESSION_DURATION,
  MIN_SESSION_DURATION,
  roleNameProblem,
  tagKeyProblem,
  tagValueProblem,
} from "./role-options";

/** The context a zod refinement reports its issues to. */
export type Ctx = z.core.$RefinementCtx;

/** A string checked by a function that returns a message for a bad value. */
export function checkedString(problem: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: "custom", message, input: value });
  });
}

const policyDocument = z.record(z.string(), z.unknown());

const sessionDuration = z
  .number()
  .int({ error: "maxSessionDuration is a whole number of seconds" })
  .min(MIN_SESSION_DURATION, {
    error: (issue) =>
      `maxSessionDuration is ${issue.input} seconds; IAM allows ${MIN_SESSION_DURATION} to ${MAX_SESSION_DURATION}`,
  })
  .max(MAX_SESSION_DURATION, {
    error: (issue) =>
      `maxSessionDuration is ${issue.input} seconds; IAM allows ${MIN_SESSION_DURATION} to ${MAX_SESSION_DURATION}`,
  });

const tags = z
  .record(checkedString(tagKeyProblem), checkedString(tagValueProblem))
  .superRefine((value, ctx) => {
    for (const key of Object.keys(value)) {
      if (MANAGED_TAG_KEYS.includes(key)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `tag ${key} is written by this app on every role; choose another key`,
          input: key,
        });
      }
    }
  });

/** Options of the IAM role(s) an entry creates. */
export const roleOptionsShape = {
  roleName: checkedString(roleNameProblem).optional().meta({ description: ROLE_OPTION.roleName }),
  path: checkedString(iamPathProblem).optional().meta({ description: ROLE_OPTION.path }),
  permissionsBoundary: checkedString(policyArnProblem)
    .optional()
    .meta({ description: ROLE_OPTION.permissionsBoundary }),
  maxSessionDuration: sessionDuration
    .optional()
    .meta({ description: ROLE_OPTION.maxSessionDuration }),
  tags: tags.optional().meta({ description: ROLE_OPTION.tags }),
  description: checkedString(descriptionProblem)
    .optional()
    .meta({ description: ROLE_OPTION.description }),
};

/** The role options `defaults` may set: all but the role name, which is one role's own. */
const { roleName: _, ...defaultRoleOptions } = roleOptionsShape;
export const defaultsShape = defaultRoleOptions;

/** What one role may do: managed policies and an inline policy. */
export const permissionsShape = {
  policyArns: z
    .array(checkedString(policyArnProblem))
    .default([])
    .meta({ description: WORKSPACE.policyArns }),
  inlinePolicy: policyDocument.optional().meta({ description: WORKSPACE.inlinePolicy }),
};

/** The role of one run phase (`plan:` or `apply:`). */
export const phaseSchema = z.strictObject({ ...permissionsShape, ...roleOptionsShape });

/** What an entry grants: one role for both phases, or a `plan` and an `apply` role. */
export const grantShape = {
  ...permissionsShape,
  plan: phaseSchema.optional().meta({ description: PHASE.plan }),
  apply: phaseSchema.optional().meta({ description: PHASE.apply }),
  ...roleOptionsShape,
};
