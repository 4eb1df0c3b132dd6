import { CloudBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from "cdktf";
import type { TrustConfig } from "./config/schema";
import { verbatim } from "./terraform-text";

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
      // Terraform reads backend blocks without evaluating them: the text as it is.
      organization: verbatim(organization ?? config.hcp.organization),
      hostname: verbatim(hostname ?? config.hcp.hostname),
      workspaces: new NamedCloudWorkspace(
        verbatim(`${workspacePrefix}${stackName}`),
        project === undefined ? undefined : verbatim(project),
      ),
    });
    return;
  }
  if (backend.s3 === undefined) return;
  const { bucket, keyPrefix, region, dynamodbTable } = backend.s3;
  new S3Backend(stack, {
    bucket: verbatim(bucket),
    key: verbatim(`${keyPrefix}${stackName}.tfstate`),
    region: verbatim(region),
    encrypt: true,
    ...(dynamodbTable === undefined ? {} : { dynamodbTable: verbatim(dynamodbTable) }),
  });
  // Without a lock table, S3's own lock file (Terraform 1.10+) keeps two deploys apart.
  if (dynamodbTable === undefined) stack.addOverride("terraform.backend.s3.use_lockfile", true);
}
