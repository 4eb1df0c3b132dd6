import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["__tests__/**/*.test.ts"],
    // cdktf apps write to disk; keep every synth of the tests inside the ignored .tmp folder.
    env: { TMPDIR: `${process.cwd()}/.tmp` },
    globalSetup: ["__tests__/helpers/global-setup.ts"],
    testTimeout: 30_000,
  },
});
