import { CloudBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from "cdktf";
import type { PlannedBackend } from "../plan/model";
import { verbatim } from "../terraform-text";

/**
 * The Terraform version every stack needs: `removed` blocks with `lifecycle { destroy = false }`
 * (1.7), and S3's own lock file, `use_lockfile` (1.10).
 * https://developer.hashicorp.com/terraform/language/backend/s3#state-locking
 */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.10.0";

/** Where a stack keeps its state, and the Terraform version it needs. */
export function applyBackend(stack: TerraformStack, backend: PlannedBackend): void {
  stack.addOverride("terraform.required_version", REQUIRED_TERRAFORM_VERSION);
  if (backend.kind === "cloud") {
    // Terraform reads backend blocks without evaluating them: the text as it is.
    new CloudBackend(stack, {
      organization: verbatim(backend.organization),
      hostname: verbatim(backend.hostname),
      workspaces: new NamedCloudWorkspace(
        verbatim(backend.workspace),
        backend.project === undefined ? undefined : verbatim(backend.project),
      ),
    });
    return;
  }
  if (backend.kind !== "s3") return;
  const { bucket, key, region, dynamodbTable } = backend;
  new S3Backend(stack, {
    bucket: verbatim(bucket),
    key: verbatim(key),
    region: verbatim(region),
    encrypt: true,
    ...(dynamodbTable === undefined ? {} : { dynamodbTable: verbatim(dynamodbTable) }),
  });
  // Without a lock table, S3's own lock file (Terraform 1.10+) keeps two deploys apart.
  if (dynamodbTable === undefined) stack.addOverride("terraform.backend.s3.use_lockfile", true);
}
