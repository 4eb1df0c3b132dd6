import { AwsOidcConfiguration } from "@cdktf/provider-tfe/lib/aws-oidc-configuration";
import { DataTfeAgentPool } from "@cdktf/provider-tfe/lib/data-tfe-agent-pool";
import { HyokConfiguration } from "@cdktf/provider-tfe/lib/hyok-configuration";
import type { Construct } from "constructs";
import type { PlannedHcp, PlannedHyok } from "../plan/model";
import { literal } from "../terraform-text";
import { pinAddress } from "./address";
import { eachValue, setForEach } from "./each";

/** The Terraform names of a stack's HYOK resources, one `for_each` resource per type. */
export const HYOK_RESOURCES = {
  agentPool: "hyok",
  oidcConfiguration: "hyok",
  configuration: "hyok",
} as const;

export interface HyokProps {
  readonly hcp: PlannedHcp;
  /** The HYOK configurations whose roles are in this stack. */
  readonly configurations: readonly PlannedHyok[];
  /**
   * Write `tfe_hyok_configuration.hyok` even with no configuration left (an empty map), so that
   * `prevent_destroy` still refuses to destroy one whose entry was removed.
   * @default false
   */
  readonly guard?: boolean;
}

/**
 * The HCP Terraform side of hold-your-own-key, beside the roles it uses: for each configuration
 * its agent pool, looked up by name (`data.tfe_agent_pool`); an AWS OIDC configuration naming
 * the role (`tfe_aws_oidc_configuration`); and the HYOK configuration (`tfe_hyok_configuration`:
 * the key as `kek_id`, its region in `kms_options.key_region`, type `aws`). All keyed
 * `hyok_NAME`.
 * https://developer.hashicorp.com/terraform/cloud-docs/hold-your-own-key/configure
 *
 * The HYOK configuration has `prevent_destroy`: the tfe provider's delete is a plain API DELETE
 * (`resource_tfe_hyok_configuration.go`, hashicorp/terraform-provider-tfe v0.71.0; revoking is
 * another API action it never calls), and a configuration in use must first be revoked so that
 * HCP Terraform migrates its workspaces to the primary configuration, through the agent, while
 * the KMS key and the role still work. Removing an entry is therefore a two-step change (see the
 * README). `primary` is not set: the provider's resource has no such argument.
 */
export function addHyokConfigurations(scope: Construct, props: HyokProps): void {
  const { hcp, configurations } = props;
  const guard = props.guard === true;
  if (configurations.length === 0 && !guard) return;
  const organization = literal(hcp.organization);
  if (configurations.length > 0) {
    setForEach(
      pinAddress(
        new DataTfeAgentPool(scope, "hyok-agent-pools", {
          name: eachValue("name"),
          organization,
        }),
        HYOK_RESOURCES.agentPool,
      ),
      Object.fromEntries(configurations.map((c) => [c.key, { name: literal(c.agentPool) }])),
    );
    setForEach(
      pinAddress(
        new AwsOidcConfiguration(scope, "hyok-oidc", {
          roleArn: eachValue("role_arn"),
          organization,
        }),
        HYOK_RESOURCES.oidcConfiguration,
      ),
      // A reference, not the literal ARN: the role (in this stack) exists before HCP Terraform
      // is told of it. Keys are `hyok_NAME`, names of letters, digits, `-` and `_`.
      Object.fromEntries(
        configurations.map((c) => [c.key, { role_arn: `\${aws_iam_role.roles["${c.key}"].arn}` }]),
      ),
    );
  }
  const configuration = pinAddress(
    new HyokConfiguration(scope, "hyok-configurations", {
      name: eachValue("name"),
      kekId: eachValue("kek_id"),
      kmsOptions: { keyRegion: eachValue("key_region") },
      // From the map, not `[each.key]` references: the guard's empty block must not name the
      // lookups and OIDC configurations, which it then does not write.
      oidcConfigurationId: eachValue("oidc_configuration_id"),
      oidcConfigurationType: "aws",
      agentPoolId: eachValue("agent_pool_id"),
      organization,
      // Destroying it would strand what it encrypted: revoke it in HCP Terraform first.
      lifecycle: { preventDestroy: true },
    }),
    HYOK_RESOURCES.configuration,
  );
  // HCP Terraform may test the configuration at once: the role's KMS policy (every HYOK role has
  // its inline policy, in this stack) exists first.
  if (configurations.length > 0)
    configuration.addOverride("depends_on", ["aws_iam_role_policy.inline"]);
  setForEach(
    configuration,
    Object.fromEntries(
      configurations.map((c) => [
        c.key,
        {
          name: literal(c.name),
          kek_id: literal(c.kms.kekId),
          key_region: literal(c.kms.region),
          oidc_configuration_id: `\${tfe_aws_oidc_configuration.hyok["${c.key}"].id}`,
          agent_pool_id: `\${data.tfe_agent_pool.hyok["${c.key}"].id}`,
        },
      ]),
    ),
  );
}
