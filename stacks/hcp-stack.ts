import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { applyBackend } from "../lib/backend";
import type { TrustConfig } from "../lib/config/schema";
import { addHcpVariables } from "../lib/hcp-variables";
import type { PlannedRole, VariableTarget } from "../lib/role-plan";

export interface HcpStackProps {
  readonly config: TrustConfig;
  readonly targets: readonly VariableTarget[];
  /** The ARN to write for a role: a literal when its account ID is known, else a reference into its account's stack. */
  readonly roleArn: (role: PlannedRole) => string;
}

/** The HCP Terraform side of a config with `accounts`: every workspace's and project's variables, in one place. */
export class HcpStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: HcpStackProps) {
    super(scope, id);
    addHcpVariables(this, props);
    applyBackend(this, props.config, id);
  }
}
