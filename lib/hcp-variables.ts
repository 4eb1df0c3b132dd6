import { DataTfeProject } from "@cdktf/provider-tfe/lib/data-tfe-project";
import { DataTfeWorkspaceIds } from "@cdktf/provider-tfe/lib/data-tfe-workspace-ids";
import { ProjectVariableSet } from "@cdktf/provider-tfe/lib/project-variable-set";
import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { VariableSet } from "@cdktf/provider-tfe/lib/variable-set";
import { Workspace } from "@cdktf/provider-tfe/lib/workspace";
import type { Construct } from "constructs";
import { fixAddress, terraformName } from "./address";
import type { TrustConfig } from "./config/schema";
import { PRODUCT } from "./product";
import type { PlannedRole, VariableTarget } from "./role-plan";
import { literal } from "./terraform-text";

export interface HcpVariablesProps {
  readonly config: TrustConfig;
  readonly targets: readonly VariableTarget[];
  /** The ARN to write for a role: a literal, or a Terraform reference. */
  readonly roleArn: (role: PlannedRole) => string;
}

const DESCRIPTION = `AWS dynamic credentials. Managed by ${PRODUCT}: change its config and deploy, not this variable.`;

/**
 * Adds the HCP Terraform side to a stack: the `tfe` provider, and for each workspace its
 * variables (on the workspace, which is looked up, or created with `create: true`), for each
 * project a variable set attached to the project.
 */
export function addHcpVariables(scope: Construct, props: HcpVariablesProps): void {
  const { config } = props;
  const organization = literal(config.hcp.organization);
  // The token comes from TFE_TOKEN (or the CLI's credentials file) when Terraform runs.
  new TfeProvider(scope, "tfe", { hostname: literal(config.hcp.hostname) });

  const projects = new Map<string, DataTfeProject>();
  const projectId = (name: string) => {
    const existing = projects.get(name);
    if (existing !== undefined) return existing.id;
    const project = new DataTfeProject(scope, `project-${name}`, {
      name: literal(name),
      organization,
    });
    fixAddress(project, terraformName(`project_${name}`));
    projects.set(name, project);
    return project.id;
  };

  // Existing workspaces are looked up together: one data source for all, instead of one each.
  const existing = props.targets.flatMap(({ owner }) =>
    owner.kind === "workspace" && !owner.workspace.create ? [owner.workspace.name] : [],
  );
  const workspaceIds =
    existing.length === 0
      ? undefined
      : new DataTfeWorkspaceIds(scope, "workspaces", {
          names: [...existing].sort().map(literal),
          organization,
        });
  if (workspaceIds !== undefined) fixAddress(workspaceIds, "workspaces");
  const ids = workspaceIds?.ids;

  for (const { owner, variables } of props.targets) {
    let address: string;
    let target: { workspaceId: string } | { variableSetId: string };
    if (owner.kind === "workspace") {
      const ws = owner.workspace;
      address = `ws_${ws.name}`;
      if (ws.create && ws.project !== undefined) {
        const created = new Workspace(scope, `workspace-${ws.name}`, {
          name: literal(ws.name),
          organization,
          projectId: projectId(ws.project),
          description: `Created by ${PRODUCT}, with AWS dynamic credentials.`,
        });
        fixAddress(created, address);
        target = { workspaceId: created.id };
      } else {
        if (ids === undefined)
          throw new Error(`workspace ${ws.name} is not among the looked-up workspaces`);
        // An expression `ids["NAME"]`: workspace names are letters, digits, '-' and '_' only.
        target = { workspaceId: ids.lookup(ws.name) };
      }
    } else {
      const project = owner.project;
      address = terraformName(`project_${project.name}`);
      const set = new VariableSet(scope, `variable-set-${project.name}`, {
        name: literal(`${PRODUCT}: ${project.name}`),
        description: literal(
          `AWS dynamic credentials for every workspace of project ${project.name}. Managed by ${PRODUCT}.`,
        ),
        organization,
        // Not a priority set: a workspace's own variables (its own role) keep winning.
        priority: false,
      });
      fixAddress(set, address);
      fixAddress(
        new ProjectVariableSet(scope, `project-variable-set-${project.name}`, {
          projectId: projectId(project.name),
          variableSetId: set.id,
        }),
        address,
      );
      target = { variableSetId: set.id };
    }
    for (const { key, value } of variables) {
      const variable = new Variable(scope, `${address}-${key}`, {
        ...target,
        category: "env",
        key,
        // A fixed value or the audience is config text; a role ARN is literal already, or a reference.
        value: typeof value === "string" ? literal(value) : props.roleArn(value),
        description: DESCRIPTION,
      });
      fixAddress(variable, `${address}_${key}`);
    }
  }
}
