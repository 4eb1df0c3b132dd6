/**
 * The shape of the config as zod checks it, and the types of the validated config. Single fields
 * are checked in ./fields, an entry's grant in ./grants, rules across fields in ./cross-field.
 */
import { z } from "zod";
import { accountIdProblem, oidcProviderArnProblem, regionProblem, roleArnProblem } from "./arns";
import { DEFAULT_AUDIENCE, DEFAULT_HOSTNAME, RESERVED_ACCOUNT_NAME } from "./constants";
import { checkConfig, checkWorkspace } from "./cross-field";
import { ACCOUNT, CREDENTIAL, HCP, PROJECT, TOP, WORKSPACE } from "./descriptions";
import { checkedString, defaultsShape, grantShape, type phaseSchema } from "./fields";
import { checkGrant } from "./grants";
import { hyokSchema } from "./hyok";
import {
  audienceProblem,
  hostnameProblem,
  nameProblem,
  ORGANIZATION_NAME,
  PROJECT_NAME,
  WORKSPACE_NAME,
  workspaceNameProblem,
} from "./names";
import { MAX_SHARDS, MIN_SHARDS } from "./quotas";
import { quote } from "./quote";
import { moduleSchema, stackSchema } from "./run-kinds";

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
    checkGrant(ws, ctx, `workspace ${quote(ws.name)}`, ws.credentials === undefined);
    checkWorkspace(ws, ctx);
  });

const projectSchema = z
  .strictObject({
    name: checkedString((v) => nameProblem(v, PROJECT_NAME)).meta({ description: PROJECT.name }),
    account: z.string().optional().meta({ description: PROJECT.account }),
    allowAdmin: z.boolean().default(false).meta({ description: WORKSPACE.allowAdmin }),
    acknowledgeOwnRoles: z
      .array(checkedString(workspaceNameProblem))
      .min(1, {
        error: "acknowledgeOwnRoles is empty; list at least one workspace or leave it out",
      })
      .optional()
      .meta({ description: PROJECT.acknowledgeOwnRoles }),
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
    stacks: z
      .array(stackSchema)
      .min(1, { error: "the stacks list is empty; list at least one Stack or leave it out" })
      .optional()
      .meta({ description: TOP.stacks }),
    modules: z
      .array(moduleSchema)
      .min(1, { error: "the modules list is empty; list at least one module or leave it out" })
      .optional()
      .meta({ description: TOP.modules }),
    hyok: z
      .array(hyokSchema)
      .min(1, {
        error: "the hyok list is empty; list at least one HYOK configuration or leave it out",
      })
      .optional()
      .meta({ description: TOP.hyok }),
  })
  .superRefine((config, ctx) => checkConfig(config, ctx));

/** The validated config, defaults filled in. */
export type TrustConfig = z.output<typeof configSchema>;
export type WorkspaceConfig = NonNullable<TrustConfig["workspaces"]>[number];
export type ProjectConfig = NonNullable<TrustConfig["projects"]>[number];
export type StackConfig = NonNullable<TrustConfig["stacks"]>[number];
export type ModuleConfig = NonNullable<TrustConfig["modules"]>[number];
export type HyokEntryConfig = NonNullable<TrustConfig["hyok"]>[number];
export type CredentialConfig = NonNullable<WorkspaceConfig["credentials"]>[number];
export type AccountConfig = z.output<typeof accountSchema>;
export type PhaseConfig = z.output<typeof phaseSchema>;
export type RoleOptions = Pick<
  PhaseConfig,
  "roleName" | "path" | "permissionsBoundary" | "maxSessionDuration" | "tags" | "description"
>;
