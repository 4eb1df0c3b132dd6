import type { TrustPlan } from "./plan/model";

/**
 * What the environment of a synth must hold for its deploy to behave as planned. `cdktf deploy`
 * runs the app and then Terraform in one environment, so a problem found here stops the deploy
 * before anything changes.
 */
export function deployEnvironmentProblems(plan: TrustPlan, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const cloud = plan.stacks.some((stack) => stack.backend.kind === "cloud");
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
