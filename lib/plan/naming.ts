import { createHash } from "node:crypto";
import { shortHash } from "../hash";
import { PRODUCT } from "../product";

/**
 * Names and keys, in one place. Stack names and the keys of roles and variables are Terraform
 * state addresses: they derive from config names only, never from list positions, so reordering,
 * adding or removing entries never moves anything else.
 */

const TERRAFORM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Whether a text is a valid Terraform name (and so a safe key: no quoting, no template). */
export function isTerraformName(text: string): boolean {
  return TERRAFORM_NAME.test(text);
}

/**
 * A Terraform name from free text: unchanged when it is already a valid name, else the allowed
 * characters followed by a hash of the text, so different texts never share a name.
 */
export function terraformName(text: string): string {
  if (isTerraformName(text)) return text;
  const hash = shortHash(text, 8);
  const readable = text.replace(/[^A-Za-z0-9_-]/g, "_").replace(/^(?=[0-9-])/, "_");
  return `${readable}_${hash}`;
}

/** The key of a workspace's variables, and the stem of its roles' keys: `ws_NAME`. */
export function workspaceKey(workspace: string): string {
  return `ws_${workspace}`;
}

/** The key of a project's variable set, and the stem of its roles' keys. */
export function projectKey(project: string): string {
  return terraformName(`project_${project}`);
}

/**
 * The stem of a Stack deployment's role key: `stack_STACK.DEPLOYMENT`, or `stack_STACK` for a role
 * admitting every deployment. Stack and deployment names hold no `.`, so the two never run into
 * each other.
 */
export function stackKey(stack: string, deployment: string | undefined): string {
  return `stack_${stack}${deployment === undefined ? "" : `.${deployment}`}`;
}

/** The key of a registry module's test variables and the stem of its role's key: `module_NAME.PROVIDER`. */
export function moduleKey(name: string, provider: string): string {
  return `module_${name}.${provider}`;
}

/** The key of a HYOK configuration's role and of its HCP Terraform objects: `hyok_NAME`. */
export function hyokKey(name: string): string {
  return `hyok_${name}`;
}

/** A role's key: its owner's key, then `tag_TAG` for tagged credentials, then the phase. */
export function roleKey(ownerKey: string, tag: string | undefined, phase: string): string {
  return [
    ownerKey,
    ...(tag === undefined ? [] : [`tag_${tag}`]),
    ...(phase === "run" ? [] : [phase]),
  ].join("_");
}

/** The base stack of an account: its OIDC provider. */
export function baseStackName(account: string): string {
  return `${PRODUCT}-${account}`;
}

/**
 * A project name as part of a stack or role name: as it is when it has no spaces, else with `-`
 * for spaces and a hash of the name, so names that differ only there stay apart.
 */
export function projectSlug(project: string | undefined): string {
  if (project === undefined) return "any.project";
  if (!project.includes(" ")) return project;
  return `${project.replace(/ /g, "-")}-${shortHash(project, 6)}`;
}

/**
 * The stack of a project in an account: `hcp-aws-trust-ACCOUNT.PROJECT[.bBUCKET]`. Account names
 * and project slugs never hold a `.`, so the parts can never run into each other.
 */
export function projectStackName(
  account: string,
  project: string | undefined,
  bucket?: number,
): string {
  return `${baseStackName(account)}.${projectSlug(project)}${bucket === undefined ? "" : `.b${bucket}`}`;
}

/** The bucket of a name among `count`: stable, whatever else is in the config. */
export function bucketOf(name: string, count: number): number {
  const hash = createHash("sha256").update(name.toLowerCase()).digest();
  return hash.readUInt32BE(0) % count;
}

/** HCP Terraform's limit on workspace names. */
export const MAX_WORKSPACE_NAME_LENGTH = 90;

/**
 * The HCP Terraform workspace that keeps a stack's state (`backend: cloud`). Workspace names may
 * hold only letters, digits, `-` and `_` (at most 90 characters), and stack names hold `.` and
 * project names: anything else becomes `_`, and a name that changed or is too long ends in a hash
 * of the original, so two stacks never share a workspace and the name never changes between synths.
 */
export function stateWorkspaceName(prefix: string, stackName: string): string {
  const wanted = `${prefix}${stackName}`;
  if (/^[A-Za-z0-9_-]+$/.test(wanted) && wanted.length <= MAX_WORKSPACE_NAME_LENGTH) return wanted;
  const hash = shortHash(wanted, 8);
  const readable = wanted.replace(/[^A-Za-z0-9_-]/g, "_");
  return `${readable.slice(0, MAX_WORKSPACE_NAME_LENGTH - hash.length - 1)}-${hash}`;
}
