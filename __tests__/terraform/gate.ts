import { inject } from "vitest";
import { findTerraform } from "./harness";

/**
 * Whether the Terraform-backed tests run: they need a `terraform` of at least 1.10 on PATH.
 * Without one they are skipped with one line saying why, except in CI (`CI=true`), where the
 * missing Terraform fails the run.
 */
export function terraformGate(): boolean {
  const found = findTerraform();
  if (found.ok) return true;
  if (inject("ciRun")) {
    throw new Error(`CI=true but ${found.reason}: the Terraform-backed tests cannot run`);
  }
  console.warn(`Skipping the Terraform-backed tests: ${found.reason}`);
  return false;
}
