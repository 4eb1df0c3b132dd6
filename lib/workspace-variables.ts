import { DataTfeWorkspace } from "@cdktf/provider-tfe/lib/data-tfe-workspace";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { Construct } from "constructs";
import { fixAddress } from "./address";
import type { CredentialVariable } from "./credential-variables";

export interface WorkspaceVariablesProps {
  readonly organization: string;
  /** The name of an existing HCP Terraform workspace. */
  readonly workspace: string;
  /** The Terraform name shared by the workspace's elements, e.g. `ws_networking-prod`. */
  readonly address: string;
  readonly variables: readonly CredentialVariable[];
  /** The description written on each variable. */
  readonly description: string;
}

/** Environment variables (category `env`) on an existing HCP Terraform workspace. */
export class WorkspaceVariables extends Construct {
  constructor(scope: Construct, id: string, props: WorkspaceVariablesProps) {
    super(scope, id);
    const workspace = new DataTfeWorkspace(this, "workspace", {
      name: props.workspace,
      organization: props.organization,
    });
    fixAddress(workspace, props.address);
    for (const { key, value } of props.variables) {
      const variable = new Variable(this, key, {
        workspaceId: workspace.id,
        category: "env",
        key,
        value,
        description: props.description,
      });
      fixAddress(variable, `${props.address}_${key}`);
    }
  }
}
