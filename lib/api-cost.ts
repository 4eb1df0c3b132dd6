import type { StackJson } from "./synth-output";

/**
 * How many HCP Terraform API calls one full plan of the synthesized stacks makes: the tfe
 * provider's calls per element when Terraform refreshes resources and reads data sources,
 * from terraform-provider-tfe 0.71's source (go-tfe pages at 20 unless told otherwise):
 * - provider configuration: service discovery and `GET /api/v2/ping` (internal/client/client.go, GetClient);
 * - `data.tfe_workspace`: the workspace by name, then its remote-state consumers when global
 *   remote state is off (data_source_workspace.go): 2;
 * - `data.tfe_project`: the project by exact name (`filter[names]`), its effective tag bindings,
 *   and its workspaces, 20 a page (data_source_project.go): 2 + ceil(workspaces of the project / 20);
 * - `data.tfe_workspace_ids`: every workspace of the organization, 20 a page: ceil(organization / 20);
 * - `tfe_variable`: one GET of the variable (resource_tfe_variable.go, readWorkspaceVariable /
 *   readVariableSetVariable): 1; `tfe_variable_set`, `tfe_project_variable_set`: 1 (VariableSets.Read);
 *   `tfe_workspace`: the workspace and its remote-state consumers: 2; `tfe_test_variable`: one GET
 *   of the module's variable (resource_tfe_test_variable.go, TestVariables.Read): 1;
 * - carry-over lookups (`data.tfe_variables`, `data.tfe_variable_set`): 1 each;
 * - HYOK: `data.tfe_agent_pool`, the organization's agent pools searched by name, 100 a page
 *   (agent_pool_helpers.go, fetchAgentPool): 1; `tfe_aws_oidc_configuration` and
 *   `tfe_hyok_configuration`: one GET each (AWSOIDCConfigurations.Read, HYOKConfigurations.Read): 1.
 */
export interface ApiCostAssumptions {
  /** Workspaces of each project, for `data.tfe_project`'s listing. */
  readonly workspacesPerProject: number;
  /** Workspaces of the organization, for `data.tfe_workspace_ids` (which this app no longer writes). */
  readonly organizationWorkspaces: number;
}

export interface ApiCost {
  /** API calls of one full plan of every stack. */
  readonly calls: number;
  /** Elements that manage or look up something in HCP Terraform (variables, sets, workspaces, lookups). */
  readonly elements: number;
}

const PAGE = 20;

/** The API calls of one full plan of expanded stacks (see `expandStack`). */
export function apiCost(stacks: readonly StackJson[], assume: ApiCostAssumptions): ApiCost {
  let calls = 0;
  let elements = 0;
  const count = (block: Record<string, Record<string, unknown>> | undefined, type: string) =>
    Object.keys(block?.[type] ?? {}).length;
  for (const json of stacks) {
    const data = json.data;
    const resource = json.resource;
    const perElement: Array<[number, number]> = [
      [count(data, "tfe_workspace"), 2],
      [count(data, "tfe_project"), 2 + Math.max(1, Math.ceil(assume.workspacesPerProject / PAGE))],
      [
        count(data, "tfe_workspace_ids"),
        Math.max(1, Math.ceil(assume.organizationWorkspaces / PAGE)),
      ],
      [count(data, "tfe_variables"), 1],
      [count(data, "tfe_variable_set"), 1],
      [count(resource, "tfe_variable"), 1],
      [count(resource, "tfe_variable_set"), 1],
      [count(resource, "tfe_project_variable_set"), 1],
      [count(resource, "tfe_workspace"), 2],
      [count(resource, "tfe_test_variable"), 1],
      [count(data, "tfe_agent_pool"), 1],
      [count(resource, "tfe_aws_oidc_configuration"), 1],
      [count(resource, "tfe_hyok_configuration"), 1],
    ];
    const stackElements = perElement.reduce((sum, [n]) => sum + n, 0);
    if (stackElements === 0) continue;
    elements += stackElements;
    calls += 2 + perElement.reduce((sum, [n, each]) => sum + n * each, 0);
  }
  return { calls, elements };
}
