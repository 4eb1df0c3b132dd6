import type { TrustPlan } from "./plan/model";

/** Set to `1` to accept local state in CI anyway (a runner that keeps its files between runs). */
export const LOCAL_STATE_OPT_OUT = "TRUST_ALLOW_LOCAL_STATE";

/** `CI=true` (or `1`), as GitHub Actions, GitLab CI and most others set it. */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  return /^(true|1)$/i.test(env.CI?.trim() ?? "");
}

/**
 * What the environment of a synth must hold for its deploy to behave as planned. `cdktf deploy`
 * runs the app and then Terraform in one environment, so a problem found here stops the deploy
 * before anything changes.
 */
export function deployEnvironmentProblems(plan: TrustPlan, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const cloud = plan.stacks.some((stack) => stack.backend.kind === "cloud");
  // In CI each stack's local state file would live on a throwaway runner and vanish with it, and
  // the next deploy would try to create every role and variable again.
  const local = plan.stacks.every((stack) => stack.backend.kind === "local");
  if (local && isCi(env) && !/^(true|1)$/i.test(env[LOCAL_STATE_OPT_OUT]?.trim() ?? "")) {
    problems.push(
      `backend: the config has no backend, so each stack's state would be a local file (terraform.STACK.tfstate) on this CI runner (CI=${env.CI}), lost when the run ends; the next deploy would then try to create everything again. Add backend.cloud or backend.s3 to the config (README: "Where the state lives"), or set ${LOCAL_STATE_OPT_OUT}=1 if this runner keeps its files between runs`,
    );
  }
  // `terraform init` creates a missing state workspace with the organization's default execution
  // mode, usually remote: the plan would then run in HCP Terraform, without this deploy's AWS
  // credentials and TFE_TOKEN. The cloud block cannot ask for local execution, but
  // TF_FORCE_LOCAL_BACKEND makes Terraform run locally with the state kept in HCP Terraform
  // (terraform internal/cloud/backend.go: `b.forceLocal = os.Getenv("TF_FORCE_LOCAL_BACKEND") != ""`).
  if (cloud && !env.TF_FORCE_LOCAL_BACKEND) {
    problems.push(
      "backend.cloud: set TF_FORCE_LOCAL_BACKEND=1 for synth and deploy alike. The state workspaces terraform init creates take the organization's default execution mode (usually remote), where the deploy would run without its AWS credentials and TFE_TOKEN; with TF_FORCE_LOCAL_BACKEND=1 Terraform runs where cdktf runs and keeps the state in HCP Terraform",
    );
  }
  return problems;
}
