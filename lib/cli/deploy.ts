import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../config/errors";
import { DeployError, type DeployRunner, deployStacks, type SynthView } from "../deploy";
import { deployRecordPathFor, readDeployRecord, writeDeployRecord } from "../deploy-record";
import { PLAN_FILE, readDeployPlan } from "../plan/plan-file";
import { SynthOutputError } from "../synth-output";
import { provenanceOf, RECORD_FILE } from "../synth-record";
import { runCdktf } from "./cdktf";
import { type Io, runCli } from "./io";

const USAGE = `Usage: npm run deploy -- [STACK ...] [--all] [--once] [--out DIR] [-- CDKTF_DEPLOY_ARGS]

Deploys the stacks of the last synth in DIR (default: cdktf.out), one at a time, each after the
stacks it depends on: "cdktf deploy STACK --skip-synth --auto-approve" with the arguments after
"--" (e.g. --parallelism 2), and records what each stack's state holds in the deploy record
beside the layout lock (trust.deployed.json for trust.yaml; TRUST_DEPLOYED names another path).
Commit the record with the config and the lock: the next synth moves members between stacks
from it.

  STACK ...  the stacks to deploy, by name (see DIR/manifest.json)
  --all      every stack of the synth (the first deploy, with no record yet, must be --all)
  --once     deploy each stack once; without it, when members are moving between stacks, the
             deploy synthesizes again and deploys what changed until the moves are done

Exit status: 0 deployed, 1 a deploy failed, 2 nothing deployed (bad arguments, no usable synth).`;

export interface DeployCommandOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** The runner for an output folder and the extra `cdktf deploy` arguments. @default - the cdktf CLI and Terraform */
  readonly runner?: (outdir: string, extra: readonly string[]) => DeployRunner;
}

/** Runs `deploy` with command-line arguments; returns the exit status. */
export function runDeploy(
  argv: readonly string[],
  io: Io,
  options: DeployCommandOptions = {},
): number {
  const env = options.env ?? process.env;
  const split = argv.indexOf("--");
  const own = split === -1 ? argv : argv.slice(0, split);
  const extra = split === -1 ? [] : argv.slice(split + 1);
  let values: { all: boolean; once: boolean; out: string; help: boolean };
  let stacks: string[];
  try {
    const parsed = parseArgs({
      args: [...own],
      options: {
        all: { type: "boolean", default: false },
        once: { type: "boolean", default: false },
        out: { type: "string", default: env.CDKTF_OUTDIR ?? "cdktf.out" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    values = parsed.values as typeof values;
    stacks = parsed.positionals;
    if (!values.help && values.all === stacks.length > 0)
      throw new Error("name the stacks to deploy, or --all for every stack (not both)");
  } catch (error) {
    io.err(`deploy: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const outdir = values.out;
  try {
    const configPath = synthConfig(outdir);
    const recordPath = deployRecordPathFor(configPath, env);
    const before = readDeployRecord(recordPath);
    const runner = (options.runner ?? cdktfRunner(env))(outdir, extra);
    const read = (): SynthView => {
      // A synth of another config, or of this one changed since, is not what was asked for.
      if (synthConfig(outdir) !== configPath)
        throw new DeployError(`the synth in ${outdir} is not of ${configPath} any more`);
      return readSynthView(outdir);
    };
    const result = deployStacks({
      stacks: values.all ? "all" : stacks,
      record: before,
      recordPath,
      runner,
      read,
      save: (record) => writeDeployRecord(recordPath, record),
      say: io.out,
      finish: !values.once,
    });
    if (result.deployed.length > 0)
      io.out(`The deploy record changed: commit ${recordPath} with the config and its lock.`);
    return result.ok ? 0 : 1;
  } catch (error) {
    if (
      error instanceof DeployError ||
      error instanceof SynthOutputError ||
      error instanceof ConfigError
    ) {
      io.err(`deploy: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/** The config the synth in `outdir` was made from (absolute); throws when it is not usable. */
function synthConfig(outdir: string): string {
  const provenance = provenanceOf(outdir);
  if (provenance.record === undefined) {
    throw new SynthOutputError(
      `${outdir} has no ${RECORD_FILE}: it holds no synth of this app; run "npm run synth" first, or point --out at its output folder`,
    );
  }
  if (provenance.failed !== undefined) throw new SynthOutputError(provenance.failed);
  // Deploying a synth of an older config would record, and later synthesize, the wrong layout.
  if (provenance.stale !== undefined) throw new SynthOutputError(provenance.stale);
  return provenance.record.configPath;
}

/** The synth in `outdir`: its manifest, its plan file, and each stack's digest. */
export function readSynthView(outdir: string): SynthView {
  const record = provenanceOf(outdir).record;
  const plan = readDeployPlan(outdir, record?.synthesizedAt);
  const manifestPath = join(outdir, "manifest.json");
  if (!existsSync(manifestPath))
    throw new SynthOutputError(`${manifestPath} is missing: run "npm run synth" again`);
  let manifest: { stacks?: Record<string, { dependencies?: unknown }> };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch (error) {
    throw new SynthOutputError(
      `${manifestPath} is not valid JSON (${(error as Error).message}): run "npm run synth" again`,
    );
  }
  const written = manifest.stacks ?? {};
  const planned = new Map(plan.stacks.map((stack) => [stack.name, stack]));
  const missing = [...planned.keys()].filter((name) => !Object.hasOwn(written, name));
  const extra = Object.keys(written).filter((name) => !planned.has(name));
  if (missing.length > 0 || extra.length > 0) {
    throw new SynthOutputError(
      `${manifestPath} and ${join(outdir, PLAN_FILE)} do not list the same stacks: run "npm run synth" again`,
    );
  }
  return {
    relocations: plan.relocations,
    stacks: Object.entries(written).map(([name, entry]) => {
      const stack = planned.get(name);
      if (stack === undefined) throw new Error(`${name} is not planned`);
      // The name is the plan file's, checked: the path stays inside the output folder.
      const path = join(outdir, "stacks", name, "cdk.tf.json");
      if (!existsSync(path))
        throw new SynthOutputError(`${path} is missing: run "npm run synth" again`);
      const dependencies = Array.isArray(entry.dependencies)
        ? entry.dependencies.filter((d): d is string => typeof d === "string")
        : [];
      return {
        ...stack,
        dependencies,
        digest: createHash("sha256").update(readFileSync(path)).digest("hex"),
      };
    }),
  };
}

/**
 * The runner of a real deploy: the cdktf CLI deploys the synthesized stack as it is (no synth
 * of its own, no prompt, the stacks it depends on not required in the same command), and
 * Terraform lists a state after a failed deploy, in the stack's working folder, which that
 * deploy initialized.
 */
export function cdktfRunner(
  env: NodeJS.ProcessEnv,
): (outdir: string, extra: readonly string[]) => DeployRunner {
  return (outdir, extra) => ({
    deploy: (stack) =>
      runCdktf(
        [
          "deploy",
          stack,
          "--skip-synth",
          "--auto-approve",
          "--ignore-missing-stack-dependencies",
          "--output",
          outdir,
          ...extra,
        ],
        env,
      ) === 0,
    synth: () => runCdktf(["synth", "--output", outdir], env) === 0,
    stateAddresses: (stack) => {
      const cwd = join(outdir, "stacks", stack);
      const terraform = (...args: string[]) =>
        spawnSync("terraform", args, {
          cwd,
          encoding: "utf8",
          env: { ...env, TF_IN_AUTOMATION: "1", TF_INPUT: "0" },
        });
      // A stack this deploy did not reach is not initialized yet.
      if (!existsSync(join(cwd, ".terraform"))) {
        const init = terraform("init", "-input=false");
        if (init.error !== undefined || init.status !== 0) return undefined;
      }
      const run = terraform("state", "list");
      if (run.error !== undefined || run.status !== 0) return undefined;
      return run.stdout.split("\n").filter((line) => line.trim() !== "");
    },
  });
}

if (require.main === module) runCli((argv, io) => runDeploy(argv, io));
