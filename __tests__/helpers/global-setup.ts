import { mkdirSync, rmSync } from "node:fs";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Whether the run is CI's (`CI=true` where vitest started; the test config clears CI for the tests). */
    ciRun: boolean;
  }
}

/** The run's temporary folder (`TMPDIR` of the test config): created before, removed after. */
export default function setup(project: TestProject): () => void {
  project.provide("ciRun", process.env.CI === "true");
  const dir = project.config.env.TMPDIR;
  if (dir === undefined) throw new Error("the test config sets no TMPDIR");
  mkdirSync(dir, { recursive: true });
  return () => rmSync(dir, { recursive: true, force: true });
}
