import { DEFAULT_AUDIENCE } from "../config/constants";
import type {
  HcpVariableTarget,
  Owner,
  PlannedRole,
  PlannedVariable,
  TestVariableTarget,
  VariableTarget,
  VariableValue,
} from "./model";
import { ownerKey } from "./roles";

/**
 * The variables each workspace, project and registry module needs, from its roles, so that every
 * run of a workspace gets exactly its intended role whatever else applies to it. A module's test
 * runs read the same `TFC_AWS_*` keys from the module's test variables.
 *
 * HCP Terraform decides between variables of the same key only: a workspace's own variable beats a
 * (non-priority) variable set's, and `TFC_AWS_PLAN_ROLE_ARN` / `TFC_AWS_APPLY_ROLE_ARN` fall back to
 * `TFC_AWS_RUN_ROLE_ARN` only when they are absent. So a workspace with one role in a project whose
 * variable set carries a plan/apply pair also gets that pair, naming its own role; otherwise the
 * set's pair would win for both phases. See `lib/hcp/precedence.ts` for the whole model.
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration#configure-hcp-terraform
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/variables#precedence
 */
export function planVariables(roles: readonly PlannedRole[], audience: string): VariableTarget[] {
  const byOwner = new Map<string, { owner: Owner; roles: PlannedRole[] }>();
  for (const role of roles) {
    // A Stack deployment is given its role in `.tfdeploy.hcl`: Stacks read no variables for it.
    // A HYOK configuration is given its role by its `tfe_aws_oidc_configuration`.
    if (role.owner.kind === "stack" || role.owner.kind === "hyok") continue;
    const key = ownerKey(role.owner);
    const entry = byOwner.get(key) ?? { owner: role.owner, roles: [] };
    entry.roles.push(role);
    byOwner.set(key, entry);
  }
  // The untagged keys each project's variable set writes, by project name.
  const setKeys = new Map<string, Set<string>>();
  for (const { owner, roles: own } of byOwner.values()) {
    if (owner.kind !== "project") continue;
    setKeys.set(
      owner.name.toLowerCase(),
      new Set(own.filter((r) => r.tag === undefined).map((r) => roleArnKey(r.phase, undefined))),
    );
  }
  return [...byOwner.entries()].map(([key, { owner, roles: own }]) => {
    const variables: PlannedVariable[] = [];
    const inherited =
      owner.kind === "workspace" && owner.project !== undefined
        ? setKeys.get(owner.project.toLowerCase())
        : undefined;
    for (const tag of [...new Set(own.map((role) => role.tag))]) {
      const suffix = tag === undefined ? "" : `_${tag}`;
      const tagged = own.filter((r) => r.tag === tag);
      variables.push({
        key: `TFC_AWS_PROVIDER_AUTH${suffix}`,
        value: { kind: "text", text: "true" },
      });
      for (const role of tagged) {
        variables.push({ key: roleArnKey(role.phase, tag), value: roleArnValue(role) });
      }
      const run = tagged.find((r) => r.phase === "run");
      if (tag === undefined && run !== undefined && inherited !== undefined) {
        // The project's set names plan/apply roles: name this workspace's own role for each phase too.
        for (const phase of ["plan", "apply"] as const) {
          if (inherited.has(roleArnKey(phase, undefined)))
            variables.push({ key: roleArnKey(phase, undefined), value: roleArnValue(run) });
        }
      }
      // Runs send the default audience unless told otherwise; setting it anyway would only add noise.
      if (audience !== DEFAULT_AUDIENCE) {
        variables.push({
          key: `TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE${suffix}`,
          value: { kind: "text", text: audience },
        });
      }
    }
    return { key, owner, variables };
  });
}

/** `TFC_AWS_RUN_ROLE_ARN`, `TFC_AWS_PLAN_ROLE_ARN_TAG`, ... */
export function roleArnKey(phase: string, tag: string | undefined): string {
  return `TFC_AWS_${phase.toUpperCase()}_ROLE_ARN${tag === undefined ? "" : `_${tag}`}`;
}

function roleArnValue(role: PlannedRole): VariableValue {
  return { kind: "role-arn", role: role.key, ...(role.arn === undefined ? {} : { arn: role.arn }) };
}

/** Whether a target's variables go on a workspace or a project's variable set. */
export function isHcpVariableTarget(target: VariableTarget): target is HcpVariableTarget {
  return target.owner.kind === "workspace" || target.owner.kind === "project";
}

/** Whether a target's variables are a registry module's test variables. */
export function isTestVariableTarget(target: VariableTarget): target is TestVariableTarget {
  return target.owner.kind === "module";
}
