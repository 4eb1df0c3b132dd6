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

/** Runs the cdktf CLI with ARGS and {@link cdktfEnv}, its output shown as it goes; returns its exit status. */
export function runCdktf(args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const pkg = require.resolve("cdktf-cli/package.json");
  const bin = (require(pkg) as { bin: { cdktf: string } }).bin.cdktf;
  const result = spawnSync(process.execPath, [join(dirname(pkg), bin), ...args], {
    stdio: "inherit",
    env: cdktfEnv(env),
  });
  return result.status ?? 1;
}

/** `npm run synth -- ARGS`: `cdktf synth ARGS` with {@link cdktfEnv}, on any platform. */
if (require.main === module) process.exitCode = runCdktf(process.argv.slice(2));
