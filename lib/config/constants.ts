/** The config file read when `TRUST_CONFIG` is not set. */
export const DEFAULT_CONFIG_PATH = "trust.yaml";

/** The config directory read when `TRUST_CONFIG` is not set and there is no `trust.yaml`. */
export const DEFAULT_CONFIG_DIR = "trust.d";

/** The lists whose entries several files of a config directory may contribute. */
export const MERGED_LISTS = ["workspaces", "projects", "stacks", "modules", "hyok"] as const;

/** The public HCP Terraform hostname. */
export const DEFAULT_HOSTNAME = "app.terraform.io";
/** The audience HCP Terraform puts in AWS workload identity tokens unless told otherwise. */
export const DEFAULT_AUDIENCE = "aws.workload.identity";
/** Tag keys this app writes on every role; a config cannot set them. */
export const MANAGED_TAG_KEYS = [
  "ManagedBy",
  "HcpOrganization",
  "HcpProject",
  "HcpWorkspace",
  "HcpRunPhase",
  "HcpCredentialTag",
  "HcpStack",
  "HcpDeployment",
  "HcpModule",
  "HcpHyokConfiguration",
];
/** The account name of a config that uses the single `aws` block. */
export const SINGLE_ACCOUNT = "default";
/** The account name kept for the HCP Terraform stack, which is named like an account. */
export const RESERVED_ACCOUNT_NAME = "hcp";
