import { CloudBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from "cdktf";
import { ConfigError } from "./config/errors";
import type { TrustConfig } from "./config/schema";

/** Set to `1` to accept local state in CI anyway (a runner that keeps its files between runs). */
export const LOCAL_STATE_OPT_OUT = "TRUST_ALLOW_LOCAL_STATE";

/** `CI=true` (or `1`), as GitHub Actions, GitLab CI and most others set it. */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  return /^(true|1)$/i.test(env.CI?.trim() ?? "");
}

/**
 * Refuses the local backend in CI: there, each stack's state file would live on a throwaway
 * runner and vanish with it, and the next deploy would try to create every role and variable
 * again (`EntityAlreadyExists`, "Key has already been taken"). Called where the app starts, before
 * any stack is built; {@link LOCAL_STATE_OPT_OUT} `=1` accepts it explicitly.
 */
export function requireRemoteStateInCi(config: TrustConfig, env: NodeJS.ProcessEnv): void {
  if (config.backend?.cloud !== undefined || config.backend?.s3 !== undefined) return;
  if (!isCi(env) || /^(true|1)$/i.test(env[LOCAL_STATE_OPT_OUT]?.trim() ?? "")) return;
  throw new ConfigError(
    `backend: the config has no backend, so each stack's state would be a local file (terraform.STACK.tfstate) on this CI runner (CI=${env.CI}), lost when the run ends; the next deploy would then try to create everything again. Add backend.cloud or backend.s3 to the config (README: "Where the state lives"), or set ${LOCAL_STATE_OPT_OUT}=1 if this runner keeps its files between runs`,
  );
}

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
