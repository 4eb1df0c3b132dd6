import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["__tests__/**/*.test.ts"],
    // cdktf apps write to disk; keep every synth of the tests inside the ignored .tmp folder, in
    // a folder of this run, so two runs side by side never remove each other's files.
    // CI is cleared: the app refuses local state when CI=true, and the tests that check it set it.
    // The run's own CI setting stays readable as TESTS_IN_CI (a CI run must not skip the
    // Terraform-backed tests for want of Terraform).
    env: {
      TMPDIR: `${process.cwd()}/.tmp/run-${process.pid}`,
      CI: "",
      TESTS_IN_CI: process.env.CI ?? "",
    },
    globalSetup: ["__tests__/helpers/global-setup.ts"],
    // vitest leaves a core to its main process by default, which idles while the files run:
    // on two cores that would run every file one after the other.
    maxWorkers: availableParallelism(),
    // A guard against a hung test, not a performance check: tests must pass on a loaded machine.
    testTimeout: 120_000,
  },
});
