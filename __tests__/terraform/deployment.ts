import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { parse } from "yaml";
import { synthToDir } from "../helpers/synth";
import {
  CALLER_ACCOUNT_ENV,
  callerAccountOf,
  installProviders,
  localCopy,
  type RequiredProvider,
  requiredProviders,
  seedTfeWorld,
  type TerraformRun,
  terraformAsync,
  terraformEnv,
} from "./harness";
import { awsWorldFile, emptyAwsWorld, updateWorld } from "./provider/world";

export interface DeployedStack {
  readonly name: string;
  readonly dependencies: readonly string[];
  /** The stack's JSON as the synth wrote it. */
  readonly json: Record<string, unknown>;
  /** The folder Terraform runs in: a copy with local state. */
  readonly dir: string;
  /** Runs one terraform command in the stack's folder (`-no-color` added). */
  run(...args: string[]): Promise<TerraformRun>;
}

export interface Deployment {
  /** The folder of the world files, the CLI config and the stacks. */
  readonly work: string;
  readonly world: string;
  /** Every stack, those another depends on first. */
  readonly stacks: readonly DeployedStack[];
  stack(name: string): DeployedStack;
}

interface Manifest {
  stacks: Record<string, { name: string; workingDirectory: string; dependencies: string[] }>;
}

/**
 * Synthesizes a config with the project's synth helper and prepares each stack for the real
 * Terraform: the test providers in a filesystem mirror, a CLI config of the test's own, a copy of
 * each stack with local state, and a world holding what the config reads and does not create
 * (projects and workspaces, the OIDC providers it reuses).
 */
export function prepareDeployment(config: string): Deployment {
  const out = synthToDir(config);
  const work = mkdtempSync(join(process.env.TMPDIR ?? ".tmp", "terraform-"));
  const world = join(work, "world");
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
  const entries = Object.values(manifest.stacks);
  const jsons = new Map(
    entries.map((entry) => [
      entry.name,
      JSON.parse(readFileSync(join(out, entry.workingDirectory, "cdk.tf.json"), "utf8")) as Record<
        string,
        unknown
      >,
    ]),
  );
  const providers = new Map<string, RequiredProvider>();
  for (const json of jsons.values()) {
    for (const p of requiredProviders(json)) providers.set(`${p.type}@${p.version}`, p);
  }
  const cliConfig = installProviders(work, [...providers.values()]);
  seedTfeWorld(world, [...jsons.values()]);
  seedReusedOidcProviders(world, parse(config));

  const ordered: Array<(typeof entries)[number]> = [];
  const visit = (entry: (typeof entries)[number]) => {
    if (ordered.includes(entry)) return;
    for (const dep of entry.dependencies) {
      const found = manifest.stacks[dep];
      if (found !== undefined) visit(found);
    }
    ordered.push(entry);
  };
  for (const entry of entries) visit(entry);

  const stacks = ordered.map((entry): DeployedStack => {
    const json = jsons.get(entry.name) ?? {};
    const dir = localCopy(join(out, entry.workingDirectory), join(work, "stacks", entry.name));
    const account = callerAccountOf(json);
    const env = terraformEnv(cliConfig, world, account ? { [CALLER_ACCOUNT_ENV]: account } : {});
    return {
      name: entry.name,
      dependencies: entry.dependencies,
      json,
      dir,
      run: (...args) => terraformAsync(dir, args, env),
    };
  });
  return {
    work,
    world,
    stacks,
    stack(name) {
      const found = stacks.find((s) => s.name === name);
      if (found === undefined) throw new Error(`no stack ${name}`);
      return found;
    },
  };
}

/** Every `oidcProviderArn` of a config names a provider that exists before the deployment. */
function seedReusedOidcProviders(world: string, config: unknown): void {
  const arns: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === "object") {
      for (const [key, inner] of Object.entries(value)) {
        if (key === "oidcProviderArn" && typeof inner === "string") arns.push(inner);
        else walk(inner);
      }
    }
  };
  walk(config);
  if (arns.length === 0) return;
  updateWorld(
    awsWorldFile(world),
    () => emptyAwsWorld("111122223333"),
    (aws) => {
      for (const arn of arns) {
        const [, account = "", url = ""] =
          /^arn:aws:iam::(\d{12}):oidc-provider\/(.*)$/.exec(arn) ?? [];
        aws.accounts[account] ??= { id: account, providers: [], roles: [] };
        aws.accounts[account].providers.push({
          arn,
          url,
          clientIds: ["aws.workload.identity"],
          thumbprints: [],
          tags: {},
        });
      }
    },
  );
}

/** The commands of the lifecycle each stack goes through, and what each must end with. */
export const LIFECYCLE: ReadonlyArray<{ args: string[]; status: number }> = [
  { args: ["init"], status: 0 },
  { args: ["validate"], status: 0 },
  { args: ["plan"], status: 0 },
  { args: ["apply", "-auto-approve"], status: 0 },
  // After an apply, a plan finds nothing to change: exit code 0 (2 would mean changes).
  { args: ["plan", "-detailed-exitcode"], status: 0 },
];

/** Runs the lifecycle; fails with the command's output at the first unexpected exit code. */
export async function runLifecycle(stack: DeployedStack): Promise<void> {
  const seconds: Record<string, number> = {};
  try {
    for (const { args, status } of LIFECYCLE) {
      const run = await stack.run(...args);
      seconds[args.join(" ")] = Math.round(run.seconds * 100) / 100;
      if (run.status !== status) {
        throw new Error(
          `terraform ${args.join(" ")} in ${stack.name} exited ${run.status}, expected ${status}\n${run.stdout}\n${run.stderr}`,
        );
      }
    }
  } finally {
    // Seconds per command, one JSON line per stack, for whoever measures the layer.
    const timings = process.env.HCP_AWS_TRUST_TF_TIMINGS;
    if (timings) appendFileSync(timings, `${JSON.stringify({ stack: stack.name, seconds })}\n`);
  }
}

/**
 * One test per stack, each running {@link LIFECYCLE}: first the stacks others depend on, then
 * the rest side by side.
 */
export function describeLifecycles(stacks: readonly DeployedStack[]): void {
  const lifecycle = (stack: DeployedStack) => {
    it(`${stack.name}: init, validate, plan, apply, then no changes`, () => runLifecycle(stack));
  };
  describe("stacks others depend on", () => {
    for (const stack of stacks.filter((s) => s.dependencies.length === 0)) lifecycle(stack);
  });
  describe.concurrent("the stacks that depend on them", () => {
    for (const stack of stacks.filter((s) => s.dependencies.length > 0)) lifecycle(stack);
  });
}
