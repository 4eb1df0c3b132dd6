import {
  type EffectiveConfiguration,
  effectiveAwsCredentials,
  type HcpVariable,
} from "../hcp/precedence";
import { variableSetName } from "./members";
import type { PlannedVariable, TrustPlan, VariableTarget } from "./model";

/** The value a planned variable stands for: its text, or `role:KEY` for a role's ARN. */
export function variableValue(variable: PlannedVariable): string {
  return variable.value.kind === "text" ? variable.value.text : `role:${variable.value.role}`;
}

/** What runs of one workspace of the config will use, as HCP Terraform picks it. */
export interface WorkspaceRuns {
  readonly workspace: string;
  readonly project?: string;
  /** Per configuration (default, then tags), the role of each phase as `role:KEY`. */
  readonly configurations: readonly EffectiveConfiguration[];
}

/**
 * The credentials each workspace's runs will get from the variables this app writes: its own
 * variables and its project's variable set, put through HCP Terraform's precedence. Variable
 * sets made outside this app (a priority set above all) could still override them: `doctor`
 * checks the live organization for that.
 */
export function effectiveRuns(plan: TrustPlan): WorkspaceRuns[] {
  const sets = new Map<string, VariableTarget>();
  for (const target of plan.targets) {
    if (target.owner.kind === "project") sets.set(target.owner.name.toLowerCase(), target);
  }
  const toVariables = (target: VariableTarget | undefined): HcpVariable[] =>
    (target?.variables ?? []).map((v) => ({ key: v.key, value: variableValue(v) }));
  return plan.targets.flatMap((target) => {
    const { owner } = target;
    if (owner.kind !== "workspace") return [];
    const set = owner.project === undefined ? undefined : sets.get(owner.project.toLowerCase());
    return [
      {
        workspace: owner.name,
        ...(owner.project === undefined ? {} : { project: owner.project }),
        configurations: effectiveAwsCredentials({
          workspace: toVariables(target),
          variableSets:
            set === undefined || set.owner.kind !== "project"
              ? []
              : [
                  {
                    name: variableSetName(set.owner.name),
                    scope: "project",
                    variables: toVariables(set),
                  },
                ],
        }),
      },
    ];
  });
}
