import { CloudBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from "cdktf";
import type { TrustConfig } from "./config/schema";

/**
 * Where a stack keeps its state. Without `backend` in the config: cdktf's default, a local file
 * `terraform.STACK.tfstate` in the project folder.
 */
export function applyBackend(stack: TerraformStack, config: TrustConfig, stackName: string): void {
  const { backend } = config;
  if (backend === undefined) return;
  if (backend.cloud !== undefined) {
    const { organization, hostname, workspacePrefix, project } = backend.cloud;
    new CloudBackend(stack, {
      organization: organization ?? config.hcp.organization,
      hostname: hostname ?? config.hcp.hostname,
      workspaces: new NamedCloudWorkspace(`${workspacePrefix}${stackName}`, project),
    });
    return;
  }
  if (backend.s3 === undefined) return;
  const { bucket, keyPrefix, region, dynamodbTable } = backend.s3;
  new S3Backend(stack, {
    bucket,
    key: `${keyPrefix}${stackName}.tfstate`,
    region,
    encrypt: true,
    ...(dynamodbTable === undefined ? {} : { dynamodbTable }),
  });
  // Without a lock table, S3's own lock file (Terraform 1.10+) keeps two deploys apart.
  if (dynamodbTable === undefined) stack.addOverride("terraform.backend.s3.use_lockfile", true);
}
