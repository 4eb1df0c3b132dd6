import { DEFAULT_AUDIENCE } from "./config/schema";

/** A workspace environment variable that turns on AWS dynamic credentials. */
export interface CredentialVariable {
  readonly key: string;
  readonly value: string;
}

export interface CredentialVariablesProps {
  /** The ARN of the role both run phases assume. */
  readonly runRoleArn: string;
  readonly audience: string;
}

/**
 * The environment variables HCP Terraform reads to fetch AWS credentials for a run.
 * https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/aws-configuration#configure-hcp-terraform
 */
export function credentialVariables(props: CredentialVariablesProps): CredentialVariable[] {
  const variables: CredentialVariable[] = [
    { key: "TFC_AWS_PROVIDER_AUTH", value: "true" },
    { key: "TFC_AWS_RUN_ROLE_ARN", value: props.runRoleArn },
  ];
  // Runs send the default audience unless told otherwise; setting it anyway would only add noise.
  if (props.audience !== DEFAULT_AUDIENCE) {
    variables.push({ key: "TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE", value: props.audience });
  }
  return variables;
}
