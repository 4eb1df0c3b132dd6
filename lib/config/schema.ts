import { validateIdentityPolicy } from "@cloud-copilot/iam-policy";
import { z } from "zod";
import {
  oidcProviderArnProblem,
  parseOidcProviderArn,
  parsePolicyArn,
  partitionOfRegion,
  policyArnProblem,
  regionProblem,
} from "./arns";
import {
  audienceProblem,
  hostnameProblem,
  nameProblem,
  ORGANIZATION_NAME,
  PROJECT_NAME,
  WORKSPACE_NAME,
} from "./names";

/** The public HCP Terraform hostname. */
export const DEFAULT_HOSTNAME = "app.terraform.io";
/** The audience HCP Terraform puts in AWS workload identity tokens unless told otherwise. */
export const DEFAULT_AUDIENCE = "aws.workload.identity";
/** AWS's hard quota on managed policies per role (the default quota is 10). */
export const MAX_MANAGED_POLICIES = 20;
/** AWS's limit on the inline policies of one role, counted without whitespace. */
export const MAX_INLINE_POLICY_CHARS = 10_240;

/** A string checked by a function that returns a message for a bad value. */
function checkedString(problem: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: "custom", message, input: value });
  });
}

const policyDocument = z.record(z.string(), z.unknown());

const workspaceSchema = z
  .strictObject({
    name: checkedString((v) => nameProblem(v, WORKSPACE_NAME)),
    project: checkedString((v) => nameProblem(v, PROJECT_NAME)).optional(),
    policyArns: z.array(checkedString(policyArnProblem)).default([]),
    inlinePolicy: policyDocument.optional(),
    allowAdmin: z.boolean().default(false),
  })
  .superRefine((ws, ctx) => {
    if (ws.policyArns.length === 0 && ws.inlinePolicy === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `workspace ${JSON.stringify(ws.name)} grants nothing: give policyArns, inlinePolicy or both (a role without permissions can authenticate but do nothing)`,
        input: ws,
      });
    }
    if (ws.policyArns.length > MAX_MANAGED_POLICIES) {
      ctx.addIssue({
        code: "custom",
        path: ["policyArns"],
        message: `${ws.policyArns.length} managed policies given; AWS attaches at most ${MAX_MANAGED_POLICIES} to a role (10 unless the quota is raised): combine them or move statements into inlinePolicy`,
        input: ws.policyArns,
      });
    }
    ws.policyArns.forEach((arn, index) => {
      const first = ws.policyArns.indexOf(arn);
      if (first !== index) {
        ctx.addIssue({
          code: "custom",
          path: ["policyArns", index],
          message: `${JSON.stringify(arn)} is listed twice (also at policyArns[${first}]); list each policy once`,
          input: arn,
        });
      }
    });
    if (ws.inlinePolicy !== undefined) {
      for (const error of validateIdentityPolicy(ws.inlinePolicy)) {
        ctx.addIssue({
          code: "custom",
          path: ["inlinePolicy", ...policyPath(error.path)],
          message: `not a valid IAM identity policy: ${error.message}`,
          input: ws.inlinePolicy,
        });
      }
      if (ws.inlinePolicy.Version !== "2012-10-17") {
        ctx.addIssue({
          code: "custom",
          path: ["inlinePolicy", "Version"],
          message: `set Version: "2012-10-17" (got ${JSON.stringify(ws.inlinePolicy.Version) ?? "none"}); with an older or missing version IAM leaves policy variables such as \${aws:username} unreplaced`,
          input: ws.inlinePolicy.Version,
        });
      }
      const statements = ws.inlinePolicy.Statement;
      if (Array.isArray(statements) && statements.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["inlinePolicy", "Statement"],
          message:
            "the inline policy has no statements; give at least one or leave inlinePolicy out",
          input: statements,
        });
      }
      const size = JSON.stringify(ws.inlinePolicy).length;
      if (size > MAX_INLINE_POLICY_CHARS) {
        ctx.addIssue({
          code: "custom",
          path: ["inlinePolicy"],
          message: `the inline policy is ${size} characters long without whitespace; AWS allows at most ${MAX_INLINE_POLICY_CHARS} per role: move statements into a customer managed policy and list it in policyArns`,
          input: ws.inlinePolicy,
        });
      }
    }
  });

/** Turns a path such as `Statement[0].#Actions` into config path segments. */
function policyPath(path: string): Array<string | number> {
  return path
    .replace(/#/g, "")
    .split(/\.|\[(\d+)\]/)
    .filter((part): part is string => part !== undefined && part !== "")
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

export const configSchema = z
  .strictObject({
    hcp: z.strictObject({
      organization: checkedString((v) => nameProblem(v, ORGANIZATION_NAME)),
      hostname: checkedString(hostnameProblem).default(DEFAULT_HOSTNAME),
      audience: checkedString(audienceProblem).default(DEFAULT_AUDIENCE),
    }),
    aws: z.strictObject({
      region: checkedString(regionProblem),
      oidcProviderArn: checkedString(oidcProviderArnProblem).optional(),
    }),
    workspaces: z.array(workspaceSchema).min(1, {
      error: "the workspaces list is empty; list at least one workspace (name and policyArns)",
    }),
  })
  .superRefine((config, ctx) => {
    const partition = partitionOfRegion(config.aws.region);
    const seen = new Map<string, number>();
    config.workspaces.forEach((ws, index) => {
      const key = ws.name.toLowerCase();
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, index);
      } else {
        ctx.addIssue({
          code: "custom",
          path: ["workspaces", index, "name"],
          message: `workspace ${JSON.stringify(ws.name)} is listed twice (also at workspaces[${first}]); names are compared without case, as IAM compares role names`,
          input: ws.name,
        });
      }
      ws.policyArns.forEach((arn, arnIndex) => {
        const parsed = parsePolicyArn(arn);
        if (parsed !== undefined && parsed.partition !== partition) {
          ctx.addIssue({
            code: "custom",
            path: ["workspaces", index, "policyArns", arnIndex],
            message: `${JSON.stringify(arn)} is in partition "${parsed.partition}", but region "${config.aws.region}" is in "${partition}": use "arn:${partition}:iam::..."`,
            input: arn,
          });
        }
      });
    });
    const providerArn = config.aws.oidcProviderArn;
    const provider = providerArn === undefined ? undefined : parseOidcProviderArn(providerArn);
    if (provider !== undefined && provider.partition !== partition) {
      ctx.addIssue({
        code: "custom",
        path: ["aws", "oidcProviderArn"],
        message: `${JSON.stringify(providerArn)} is in partition "${provider.partition}", but region "${config.aws.region}" is in "${partition}"`,
        input: providerArn,
      });
    }
  });

/** The validated config, defaults filled in. */
export type TrustConfig = z.output<typeof configSchema>;
export type WorkspaceConfig = TrustConfig["workspaces"][number];
