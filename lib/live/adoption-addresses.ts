import { attachmentKey, variableSetName } from "../plan/members";
import type { TrustPlan } from "../plan/model";
import { baseStackName } from "../plan/naming";
import type { ImportEntry } from "./adoption-imports";

/** A Terraform `import` block, as written to a stack's JSON. */
export interface ImportTarget {
  /** The stack that holds the resource. */
  readonly stack: string;
  /** The resource instance's address: `aws_iam_role.roles["ws_app"]`. */
  readonly to: string;
  /** The import ID, as the provider reads it (not yet escaped for Terraform). */
  readonly id: string;
}

/**
 * Where each adopted object goes: the stack and address the plan gives the resource it matches.
 * Entries are matched by the same logical identity the plan uses (account and role name,
 * workspace and key, ...), so an address change never orphans an adoption.
 */
export function importTargets(plan: TrustPlan, entries: readonly ImportEntry[]): ImportTarget[] {
  // Most synths adopt nothing: no index of the whole plan for them.
  if (entries.length === 0) return [];
  const roles = new Map<string, { stack: string; key: string }>();
  const targets = new Map<string, { stack: string; key: string }>();
  const hyoks = new Map<string, { stack: string; key: string }>();
  for (const stack of plan.stacks) {
    for (const role of stack.roles) {
      roles.set(`${role.account} ${role.roleName}`, { stack: stack.name, key: role.key });
      if (role.owner.kind === "hyok")
        hyoks.set(role.owner.name, { stack: stack.name, key: role.key });
    }
    for (const target of stack.targets) {
      // Test variables cannot be imported: a module's are never adopted.
      if (target.owner.kind === "module" || target.owner.kind === "stack") continue;
      const name =
        target.owner.kind === "workspace"
          ? `workspace ${target.owner.name}`
          : `set ${variableSetName(target.owner.name)}`;
      targets.set(name, { stack: stack.name, key: target.key });
    }
  }
  const out: ImportTarget[] = [];
  for (const entry of entries) {
    switch (entry.type) {
      case "aws_iam_openid_connect_provider":
        out.push({
          stack: baseStackName(entry.account),
          to: "aws_iam_openid_connect_provider.hcp",
          id: entry.id,
        });
        break;
      case "aws_iam_role":
      case "aws_iam_role_policy_attachment":
      case "aws_iam_role_policy": {
        const role = roles.get(`${entry.account} ${entry.roleName}`);
        if (role === undefined) break;
        const to =
          entry.type === "aws_iam_role"
            ? `aws_iam_role.roles["${role.key}"]`
            : entry.type === "aws_iam_role_policy"
              ? `aws_iam_role_policy.inline["${role.key}"]`
              : `aws_iam_role_policy_attachment.attachments["${attachmentKey(role.key, entry.policyArn)}"]`;
        out.push({ stack: role.stack, to, id: entry.id });
        break;
      }
      case "tfe_workspace": {
        const target = targets.get(`workspace ${entry.workspace}`);
        if (target !== undefined)
          out.push({
            stack: target.stack,
            to: `tfe_workspace.created["${entry.workspace}"]`,
            id: entry.id,
          });
        break;
      }
      case "tfe_variable": {
        const target =
          "workspace" in entry
            ? targets.get(`workspace ${entry.workspace}`)
            : targets.get(`set ${entry.variableSet}`);
        if (target !== undefined)
          out.push({
            stack: target.stack,
            to: `tfe_variable.variables["${target.key}_${entry.key}"]`,
            id: entry.id,
          });
        break;
      }
      case "tfe_hyok_configuration":
      case "tfe_aws_oidc_configuration": {
        const hyok = hyoks.get(entry.hyok);
        if (hyok !== undefined)
          out.push({ stack: hyok.stack, to: `${entry.type}.hyok["${hyok.key}"]`, id: entry.id });
        break;
      }
      case "tfe_variable_set":
      case "tfe_project_variable_set": {
        const target = targets.get(`set ${entry.variableSet}`);
        if (target === undefined) break;
        const resource =
          entry.type === "tfe_variable_set" ? "tfe_variable_set" : "tfe_project_variable_set";
        out.push({
          stack: target.stack,
          to: `${resource}.projects["${target.key}"]`,
          id: entry.id,
        });
        break;
      }
    }
  }
  return out;
}
