import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { addAwsProvider } from "../lib/constructs/aws-provider";
import { applyBackend } from "../lib/constructs/backend";
import { addHcpVariables } from "../lib/constructs/hcp-variables";
import { HcpOidcProvider } from "../lib/constructs/oidc-provider";
import { addWorkspaceRoles } from "../lib/constructs/roles";
import type { PlannedAccount, PlannedHcp, PlannedStack } from "../lib/plan/model";

export interface ProjectStackProps {
  readonly hcp: PlannedHcp;
  readonly account: PlannedAccount;
  /** The stack's roles, variables and backend, from the plan. */
  readonly stack: PlannedStack;
}

/**
 * The roles of one account and one project (or one bucket of a project), and the HCP Terraform
 * variables of the workspaces and projects whose first role is here.
 */
export class ProjectStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ProjectStackProps) {
    super(scope, id);
    const { hcp, account, stack } = props;
    addAwsProvider(this, account);
    const provider =
      account.oidcProviderArn !== undefined
        ? HcpOidcProvider.fromArn(account.oidcProviderArn)
        : HcpOidcProvider.inAccountOf(this, hcp.hostname);
    const roleArns = addWorkspaceRoles(this, { hcp, roles: stack.roles, provider });
    addHcpVariables(this, { hcp, targets: stack.targets, roleArns });
    applyBackend(this, stack.backend);
  }
}
