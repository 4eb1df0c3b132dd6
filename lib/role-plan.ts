import { parseOidcProviderArn, partitionOfRegion } from "./config/arns";
import type { TrustConfig, WorkspaceConfig } from "./config/schema";
import { oidcProviderArnFor, UNKNOWN_ACCOUNT_ID } from "./iam/web-identity";
import { roleName } from "./role-name";
import { subjectPattern, trustPolicyJson } from "./trust-policy";

/** A role the config asks for, before any construct is built. */
export interface PlannedRole {
  /** The config entry the role is for. */
  readonly workspace: WorkspaceConfig;
  /** Where that entry is in the config, e.g. `workspaces[2]`. */
  readonly path: string;
  readonly roleName: string;
  /** The Terraform name of the role and its companions, e.g. `ws_networking-prod`. */
  readonly address: string;
  /** The `sub` pattern of its trust policy. */
  readonly subject: string;
  /** The trust policy JSON exactly as written to `assume_role_policy`, for a given provider ARN. */
  trustPolicyJson(providerArn: string): string;
}

/** The roles a validated config asks for, in config order. */
export function planRoles(config: TrustConfig): PlannedRole[] {
  const { organization, hostname, audience } = config.hcp;
  return config.workspaces.map((workspace, index) => {
    const subject = subjectPattern({
      organization,
      project: workspace.project,
      workspace: workspace.name,
    });
    return {
      workspace,
      path: `workspaces[${index}]`,
      roleName: roleName([organization, workspace.name]),
      address: `ws_${workspace.name}`,
      subject,
      trustPolicyJson: (providerArn: string) =>
        trustPolicyJson({ hostname, audience, providerArn, subject }),
    };
  });
}

/** The provider ARN as it will be once deployed: the reused ARN, or the ARN a created provider gets. */
export function expectedProviderArn(config: TrustConfig): string {
  const reused = config.aws.oidcProviderArn;
  if (reused !== undefined && parseOidcProviderArn(reused) !== undefined) return reused;
  return oidcProviderArnFor(
    config.hcp.hostname,
    partitionOfRegion(config.aws.region),
    UNKNOWN_ACCOUNT_ID,
  );
}
