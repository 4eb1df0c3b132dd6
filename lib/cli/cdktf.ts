import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";

/**
 * The environment the cdktf CLI runs with here: `CHECKPOINT_DISABLE=1` unless set otherwise. The
 * CLI sends usage data to checkpoint-api.hashicorp.com on every command unless that variable is
 * set (it reads nothing else for it: @cdktf/commons' checkpoint.js), and without network access
 * it then logs `getaddrinfo ENOTFOUND checkpoint-api.hashicorp.com` as an error.
 */
export function cdktfEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, CHECKPOINT_DISABLE: env.CHECKPOINT_DISABLE ?? "1" };
}

/** `npm run synth -- ARGS`: `cdktf synth ARGS` with {@link cdktfEnv}, on any platform. */
if (require.main === module) {
  const pkg = require.resolve("cdktf-cli/package.json");
  const bin = (require(pkg) as { bin: { cdktf: string } }).bin.cdktf;
  const result = spawnSync(process.execPath, [join(dirname(pkg), bin), ...process.argv.slice(2)], {
    stdio: "inherit",
    env: cdktfEnv(process.env),
  });
  process.exitCode = result.status ?? 1;
}
