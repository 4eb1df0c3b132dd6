import { mkdirSync, rmSync } from "node:fs";
import type { TestProject } from "vitest/node";

/** The run's temporary folder (`TMPDIR` of the test config): created before, removed after. */
export default function setup(project: TestProject): () => void {
  const dir = project.config.env.TMPDIR;
  if (dir === undefined) throw new Error("the test config sets no TMPDIR");
  mkdirSync(dir, { recursive: true });
  return () => rmSync(dir, { recursive: true, force: true });
}
