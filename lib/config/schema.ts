import { validateIdentityPolicy } from "@cloud-copilot/iam-policy";
import { z } from "zod";
import {
  accountIdProblem,
  oidcProviderArnProblem,
  parseOidcProviderArn,
  parsePolicyArn,
  parseRoleArn,
  partitionOfRegion,
  policyArnProblem,
  regionProblem,
  roleArnProblem,
} from "./arns";
import {
  ACCOUNT,
  CREDENTIAL,
  HCP,
  PHASE,
  PROJECT,
  ROLE_OPTION,
  TOP,
  WORKSPACE,
} from "./descriptions";
import { roleCountProblem, rolesOfGrant } from "./limits";
import {
  audienceProblem,
  hostnameProblem,
  nameProblem,
  ORGANIZATION_NAME,
  PROJECT_NAME,
  WORKSPACE_NAME,
  workspaceNameProblem,
} from "./names";
import { quote } from "./quote";
import {
  descriptionProblem,
  iamPathProblem,
  MAX_SESSION_DURATION,
  MIN_SESSION_DURATION,
  roleNameProblem,
  tagKeyProblem,
  tagValueProblem,
} from "./role-options";

/** The public HCP Terraform hostname. */
export const DEFAULT_HOSTNAME = "app.terraform.io";
/** The audience HCP Terraform puts in AWS workload identity tokens unless told otherwise. */
export const DEFAULT_AUDIENCE = "aws.workload.identity";
/** AWS's hard quota on managed policies per role (the default quota is 10). */
export const MAX_MANAGED_POLICIES = 20;
/** AWS's limit on the inline policies of one role, counted without whitespace. */
export const MAX_INLINE_POLICY_CHARS = 10_240;
/** Tag keys this app writes on every role; a config cannot set them. */
export const MANAGED_TAG_KEYS = [
  "ManagedBy",
  "HcpOrganization",
  "HcpProject",
  "HcpWorkspace",
  "HcpRunPhase",
  "HcpCredentialTag",
];
/** The smallest and largest number of stacks a project may be split into (`shards`). */
export const MIN_SHARDS = 2;
export const MAX_SHARDS = 64;
/** The account name of a config that uses the single `aws` block. */
export const SINGLE_ACCOUNT = "default";

type Ctx = z.core.$RefinementCtx;

/** A string checked by a function that returns a message for a bad value. */
function checkedString(problem: (value: string) => string | undefined) {
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
const roleOptionsShape = {
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

const { roleName: _, ...defaultsShape } = roleOptionsShape;

const permissionsShape = {
  policyArns: z
    .array(checkedString(policyArnProblem))
    .default([])
    .meta({ description: WORKSPACE.policyArns }),
  inlinePolicy: policyDocument.optional().meta({ description: WORKSPACE.inlinePolicy }),
};

/** The role of one run phase (`plan:` or `apply:`). */
const phaseSchema = z.strictObject({ ...permissionsShape, ...roleOptionsShape });

type Permissions = { policyArns: string[]; inlinePolicy?: Record<string, unknown> | undefined };

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

/** What an entry grants: one role for both phases, or a `plan` and an `apply` role. */
const grantShape = {
  ...permissionsShape,
  plan: phaseSchema.optional().meta({ description: PHASE.plan }),
  apply: phaseSchema.optional().meta({ description: PHASE.apply }),
  ...roleOptionsShape,
};

type Grant = Permissions & {
  plan?: Permissions | undefined;
  apply?: Permissions | undefined;
  roleName?: string | undefined;
};

/**
 * Checks an entry's grant. With `required` false an entry may grant nothing at its own level
 * (a workspace whose roles are all under `credentials`).
 */
function checkGrant(entry: Grant, ctx: Ctx, what: string, required: boolean): void {
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

const TAG = /^[A-Za-z0-9_]+$/;

const credentialSchema = z
  .strictObject({
    tag: z
      .string()
      .superRefine((value, ctx) => {
        if (!TAG.test(value)) {
          ctx.addIssue({
            code: "custom",
            message: `tag ${quote(value)} may contain only letters, digits and "_"`,
            input: value,
          });
        } else if (value.toUpperCase() === "TYPE") {
          ctx.addIssue({
            code: "custom",
            message: `tag "${value}" is reserved by HCP Terraform; choose another`,
            input: value,
          });
        }
      })
      .meta({ description: CREDENTIAL.tag }),
    account: z.string().optional().meta({ description: CREDENTIAL.account }),
    ...grantShape,
  })
  .superRefine((entry, ctx) => checkGrant(entry, ctx, `credential ${quote(entry.tag)}`, true));

const workspaceSchema = z
  .strictObject({
    name: checkedString(workspaceNameProblem).meta({
      description: WORKSPACE.name,
    }),
    project: checkedString((v) => nameProblem(v, PROJECT_NAME))
      .optional()
      .meta({ description: WORKSPACE.project }),
    account: z.string().optional().meta({ description: WORKSPACE.account }),
    create: z.boolean().default(false).meta({ description: WORKSPACE.create }),
    allowAdmin: z.boolean().default(false).meta({ description: WORKSPACE.allowAdmin }),
    ...grantShape,
    credentials: z
      .array(credentialSchema)
      .min(1, { error: "credentials is empty; list at least one or leave it out" })
      .optional()
      .meta({ description: WORKSPACE.credentials }),
  })
  .superRefine((ws, ctx) => {
    const what = `workspace ${quote(ws.name)}`;
    checkGrant(ws, ctx, what, ws.credentials === undefined);
    if (ws.create && ws.project === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["project"],
        message: `${what} has create: true, so it needs a project to be created in`,
        input: ws,
      });
    }
    const seen = new Map<string, number>();
    ws.credentials?.forEach((credential, index) => {
      const key = credential.tag.toUpperCase();
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else {
        ctx.addIssue({
          code: "custom",
          path: ["credentials", index, "tag"],
          message: `tag ${quote(credential.tag)} is used twice in ${what} (also at credentials[${first}]); tags are unique per workspace`,
          input: credential.tag,
        });
      }
    });
  });

const projectSchema = z
  .strictObject({
    name: checkedString((v) => nameProblem(v, PROJECT_NAME)).meta({ description: PROJECT.name }),
    account: z.string().optional().meta({ description: PROJECT.account }),
    allowAdmin: z.boolean().default(false).meta({ description: WORKSPACE.allowAdmin }),
    ...grantShape,
  })
  .superRefine((project, ctx) => checkGrant(project, ctx, `project ${quote(project.name)}`, true));

const accountSchema = z.strictObject({
  region: checkedString(regionProblem).meta({ description: ACCOUNT.region }),
  accountId: checkedString(accountIdProblem).optional().meta({ description: ACCOUNT.accountId }),
  oidcProviderArn: checkedString(oidcProviderArnProblem)
    .optional()
    .meta({ description: ACCOUNT.oidcProviderArn }),
  assumeRoleArn: checkedString(roleArnProblem)
    .optional()
    .meta({ description: ACCOUNT.assumeRoleArn }),
});

const ACCOUNT_NAME = /^[A-Za-z0-9_-]{1,32}$/;
export const RESERVED_ACCOUNT_NAME = "hcp";

const backendSchema = z
  .strictObject({
    cloud: z
      .strictObject({
        organization: checkedString((v) => nameProblem(v, ORGANIZATION_NAME)).optional(),
        hostname: checkedString(hostnameProblem).optional(),
        workspacePrefix: checkedString((v) => nameProblem(v, WORKSPACE_NAME)).default(
          "hcp-aws-trust-",
        ),
        project: checkedString((v) => nameProblem(v, PROJECT_NAME)).optional(),
      })
      .optional(),
    s3: z
      .strictObject({
        bucket: z
          .string()
          .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "is not a valid S3 bucket name" }),
        keyPrefix: z
          .string()
          .regex(/^[\w!\-.*'()/]*$/, { error: "may hold letters, digits and ! - _ . * ' ( ) /" })
          .default("hcp-aws-trust/"),
        region: checkedString(regionProblem),
        dynamodbTable: z
          .string()
          .regex(/^[\w.-]{3,255}$/, { error: "is not a valid DynamoDB table name" })
          .optional(),
      })
      .optional(),
  })
  .superRefine((backend, ctx) => {
    if ((backend.cloud === undefined) === (backend.s3 === undefined)) {
      ctx.addIssue({ code: "custom", message: "give exactly one of cloud or s3", input: backend });
    }
  });

export const configSchema = z
  .strictObject({
    hcp: z
      .strictObject({
        organization: checkedString((v) => nameProblem(v, ORGANIZATION_NAME)).meta({
          description: HCP.organization,
        }),
        hostname: checkedString(hostnameProblem)
          .default(DEFAULT_HOSTNAME)
          .meta({ description: HCP.hostname }),
        audience: checkedString(audienceProblem)
          .default(DEFAULT_AUDIENCE)
          .meta({ description: HCP.audience }),
      })
      .meta({ description: TOP.hcp }),
    aws: accountSchema.optional().meta({ description: TOP.aws }),
    accounts: z
      .record(
        z
          .string()
          .regex(ACCOUNT_NAME, { error: "account names are 1 to 32 letters, digits, '-' and '_'" })
          // The HCP Terraform side has its own stack, named like an account called "hcp".
          .refine((name) => name.toLowerCase() !== RESERVED_ACCOUNT_NAME, {
            error: `the account name "${RESERVED_ACCOUNT_NAME}" is reserved for the HCP Terraform stack; choose another`,
          }),
        accountSchema,
      )
      .optional()
      .meta({ description: TOP.accounts }),
    defaults: z.strictObject(defaultsShape).optional().meta({ description: TOP.defaults }),
    backend: backendSchema.optional().meta({ description: TOP.backend }),
    shards: z
      .record(
        checkedString((v) => nameProblem(v, PROJECT_NAME)),
        z
          .number()
          .int({ error: "a shard count is a whole number" })
          .min(MIN_SHARDS, {
            error: (issue) =>
              `a project is split into ${MIN_SHARDS} to ${MAX_SHARDS} stacks, got ${issue.input}`,
          })
          .max(MAX_SHARDS, {
            error: (issue) =>
              `a project is split into ${MIN_SHARDS} to ${MAX_SHARDS} stacks, got ${issue.input}`,
          }),
      )
      .optional()
      .meta({ description: TOP.shards }),
    workspaces: z
      .array(workspaceSchema)
      .min(1, {
        error: "the workspaces list is empty; list at least one workspace (name and policyArns)",
      })
      .optional()
      .meta({ description: TOP.workspaces }),
    projects: z
      .array(projectSchema)
      .min(1, { error: "the projects list is empty; list at least one project or leave it out" })
      .optional()
      .meta({ description: TOP.projects }),
  })
  .superRefine((config, ctx) => {
    checkAccounts(config, ctx);
    if (config.workspaces === undefined && config.projects === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["workspaces"],
        message:
          "is required (a list): list the workspaces (or, under projects, the projects) whose runs get AWS roles",
        input: undefined,
      });
    }
    checkUnique(config.workspaces ?? [], "workspaces", "workspace", ctx);
    checkUnique(config.projects ?? [], "projects", "project", ctx);
    let roles = 0;
    for (const ws of config.workspaces ?? []) {
      roles += rolesOfGrant(ws);
      for (const credential of ws.credentials ?? []) roles += rolesOfGrant(credential);
    }
    for (const project of config.projects ?? []) roles += rolesOfGrant(project);
    const tooMany = roleCountProblem(roles);
    if (tooMany !== undefined) ctx.addIssue({ code: "custom", message: tooMany, input: roles });
  });

type RawConfig = z.output<typeof configSchema>;

function checkUnique(
  entries: ReadonlyArray<{ name: string }>,
  list: string,
  kind: string,
  ctx: Ctx,
): void {
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const key = entry.name.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return;
    }
    ctx.addIssue({
      code: "custom",
      path: [list, index, "name"],
      message: `${kind} ${quote(entry.name)} is listed twice (also at ${list}[${first}]); names are compared without case, as IAM compares role names`,
      input: entry.name,
    });
  });
}

function checkAccounts(config: RawConfig, ctx: Ctx): void {
  if (config.aws !== undefined && config.accounts !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["accounts"],
      message: "give either aws (one account) or accounts (several), not both",
      input: config.accounts,
    });
    return;
  }
  const accounts =
    config.accounts ?? (config.aws === undefined ? undefined : { [SINGLE_ACCOUNT]: config.aws });
  if (accounts === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["aws"],
      message: "is required (a mapping): give aws (one account) or accounts (several)",
      input: undefined,
    });
    return;
  }
  const names = Object.keys(accounts);
  if (names.length === 0) {
    ctx.addIssue({
      code: "custom",
      path: ["accounts"],
      message: "accounts is empty; name at least one account",
      input: accounts,
    });
    return;
  }
  const accountsPath = (name: string) =>
    config.accounts === undefined ? ["aws"] : ["accounts", name];

  for (const [name, account] of Object.entries(accounts)) {
    const partition = partitionOfRegion(account.region);
    const provider =
      account.oidcProviderArn === undefined
        ? undefined
        : parseOidcProviderArn(account.oidcProviderArn);
    const assumed =
      account.assumeRoleArn === undefined ? undefined : parseRoleArn(account.assumeRoleArn);
    for (const [key, arn] of [
      ["oidcProviderArn", provider],
      ["assumeRoleArn", assumed],
    ] as const) {
      if (arn === undefined) continue;
      if (arn.partition !== partition) {
        ctx.addIssue({
          code: "custom",
          path: [...accountsPath(name), key],
          message: `${quote(account[key] ?? "")} is in partition "${arn.partition}", but region "${account.region}" is in "${partition}"`,
          input: account[key],
        });
      }
      if (account.accountId !== undefined && arn.accountId !== account.accountId) {
        ctx.addIssue({
          code: "custom",
          path: [...accountsPath(name), key],
          message: `${quote(account[key] ?? "")} is in account ${arn.accountId}, but accountId is ${account.accountId}`,
          input: account[key],
        });
      }
    }
  }

  /** Checks one entry's account reference and the partition of its ARNs. */
  const checkEntry = (
    path: PropertyKey[],
    account: string | undefined,
    arns: Array<[PropertyKey[], string]>,
  ) => {
    let resolved = account;
    if (account === undefined) {
      if (names.length > 1) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "account"],
          message: `is required (a string): with several accounts, each entry names its own; one of ${names.join(", ")}`,
          input: undefined,
        });
        return;
      }
      resolved = names[0];
    } else if (!(account in accounts)) {
      ctx.addIssue({
        code: "custom",
        path: [...path, "account"],
        message: `${quote(account)} is not an account of this config; one of ${names.join(", ")}${config.accounts === undefined ? ` (the aws block is the account "${SINGLE_ACCOUNT}")` : ""}`,
        input: account,
      });
      return;
    }
    const region = accounts[resolved ?? ""]?.region ?? "";
    const partition = partitionOfRegion(region);
    for (const [at, arn] of arns) {
      const parsed = parsePolicyArn(arn);
      if (parsed !== undefined && parsed.partition !== partition) {
        ctx.addIssue({
          code: "custom",
          path: [...path, ...at],
          message: `${quote(arn)} is in partition "${parsed.partition}", but region "${region}" is in "${partition}": use "arn:${partition}:iam::..."`,
          input: arn,
        });
      }
    }
  };

  const grantArns = (grant: Grant & { permissionsBoundary?: string | undefined }) => {
    const arns: Array<[PropertyKey[], string]> = [];
    const add = (
      at: PropertyKey[],
      g: Permissions & { permissionsBoundary?: string | undefined },
    ) => {
      g.policyArns.forEach((arn, i) => {
        arns.push([[...at, "policyArns", i], arn]);
      });
      if (g.permissionsBoundary !== undefined)
        arns.push([[...at, "permissionsBoundary"], g.permissionsBoundary]);
    };
    add([], grant);
    if (grant.plan) add(["plan"], grant.plan);
    if (grant.apply) add(["apply"], grant.apply);
    return arns;
  };

  config.workspaces?.forEach((ws, i) => {
    const ownGrant =
      ws.policyArns.length > 0 ||
      ws.inlinePolicy !== undefined ||
      ws.plan !== undefined ||
      ws.apply !== undefined;
    // A workspace whose roles are all under credentials needs no account of its own.
    if (ownGrant || ws.account !== undefined)
      checkEntry(["workspaces", i], ws.account, grantArns(ws));
    ws.credentials?.forEach((credential, j) => {
      checkEntry(
        ["workspaces", i, "credentials", j],
        credential.account ?? ws.account,
        grantArns(credential),
      );
    });
  });
  config.projects?.forEach((project, i) => {
    checkEntry(["projects", i], project.account, grantArns(project));
  });
  if (config.defaults?.permissionsBoundary !== undefined) {
    for (const name of names)
      checkEntry(["defaults"], name, [
        [["permissionsBoundary"], config.defaults.permissionsBoundary],
      ]);
  }
}

/** The validated config, defaults filled in. */
export type TrustConfig = z.output<typeof configSchema>;
export type WorkspaceConfig = NonNullable<TrustConfig["workspaces"]>[number];
export type ProjectConfig = NonNullable<TrustConfig["projects"]>[number];
export type CredentialConfig = NonNullable<WorkspaceConfig["credentials"]>[number];
export type AccountConfig = z.output<typeof accountSchema>;
export type PhaseConfig = z.output<typeof phaseSchema>;
export type RoleOptions = Pick<
  PhaseConfig,
  "roleName" | "path" | "permissionsBoundary" | "maxSessionDuration" | "tags" | "description"
>;

/** The accounts of a config by name; a config with the `aws` block has one, named `default`. */
export function accountsOf(config: TrustConfig): Record<string, AccountConfig> {
  if (config.accounts !== undefined) return config.accounts;
  if (config.aws !== undefined) return { [SINGLE_ACCOUNT]: config.aws };
  throw new Error("a validated config has aws or accounts");
}
