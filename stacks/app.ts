import { App } from "cdktf";
import { ConfigError } from "../lib/config/load";
import type { TrustConfig } from "../lib/config/schema";
import { deployEnvironmentProblems } from "../lib/deploy-environment";
import { importTargets } from "../lib/live/adoption-addresses";
import type { ImportEntry } from "../lib/live/adoption-imports";
import { outputFolder, prepareOutputFolder } from "../lib/output-folder";
import { planTrust } from "../lib/plan";
import type { DeployRecord } from "../lib/plan/deployed";
import type { LayoutLock } from "../lib/plan/lock";
import type { TrustPlan } from "../lib/plan/model";
import type { Pins } from "../lib/plan/pins";
import { checkRules, formatFinding } from "../lib/rules/engine";
import { BaseStack } from "./base-stack";
import { ProjectStack } from "./project-stack";

export interface BuildAppOptions {
  /** @default - `cdktf.out`, or the folder the cdktf CLI asks for */
  readonly outdir?: string;
  /** The layout of the previous synth (`trust.lock.json`). @default - none: a first synth */
  readonly lock?: LayoutLock;
  /** The pinned HCP Terraform IDs (`trust.pins.json`). @default - none: every entry unpinned */
  readonly pins?: Pins;
  /**
   * What each stack's state holds (`trust.deployed.json`); moves are decided from it.
   * @default - none: every synth is assumed deployed
   */
  readonly record?: DeployRecord;
  /** Objects that exist already, to import in place (`trust.imports.json`). @default - none */
  readonly adopt?: readonly ImportEntry[];
  /**
   * The environment the deploy will run in, checked before anything is written.
   * @default - not checked
   */
  readonly environment?: NodeJS.ProcessEnv;
  /**
   * Where a path into the config is in its files, for messages (`LoadedConfig.locate`).
   * @default - the path as it is
   */
  readonly locate?: (path: string) => string;
}

export interface BuiltApp {
  readonly app: App;
  readonly plan: TrustPlan;
  /** Safety rule violations the config opted out of; print them on every synth. */
  readonly warnings: readonly string[];
  /** Safety rule findings the config acknowledged; the report lists them, nothing prints them. */
  readonly acknowledged: readonly string[];
}

/**
 * The cdktf app for a validated config, after the safety rules passed: the plan, then one stack
 * per planned stack. Throws {@link ConfigError} listing every rule violation; nothing is built then.
 * Throws `OutputFolderError` if the output folder cannot be made (cdktf makes only its last level).
 */
export function buildApp(config: TrustConfig, options: BuildAppOptions = {}): BuiltApp {
  const plan = planTrust(config, options.lock, options.pins, options.record);
  const findings = checkRules(config, plan);
  const locate = options.locate ?? ((path: string) => path);
  if (findings.errors.length > 0) {
    const problems = findings.errors.map((finding) => formatFinding(finding, locate));
    const heading =
      problems.length === 1 ? "Unsafe config:" : `Unsafe config (${problems.length} problems):`;
    throw new ConfigError([heading, ...problems.map((p) => `  - ${p}`)].join("\n"), problems);
  }
  const environment =
    options.environment === undefined ? [] : deployEnvironmentProblems(plan, options.environment);
  if (environment.length > 0) throw new ConfigError(environment.join("\n"), environment);
  const outdir = options.outdir ?? outputFolder();
  prepareOutputFolder(outdir);
  const app = new App({ outdir });
  const accounts = new Map(plan.accounts.map((account) => [account.name, account]));
  const imports = importTargets(plan, options.adopt ?? []);
  const importsOf = (name: string) => imports.filter((target) => target.stack === name);
  const stacks = new Map<string, BaseStack | ProjectStack>();
  for (const stack of plan.stacks) {
    const account = accounts.get(stack.account);
    if (account === undefined) throw new Error(`stack ${stack.name} names no planned account`);
    const built =
      stack.kind === "base"
        ? new BaseStack(app, stack.name, {
            hcp: plan.hcp,
            account,
            backend: stack.backend,
            retired: account.oidcProvider.kind !== "created",
            imports: importsOf(stack.name),
          })
        : new ProjectStack(app, stack.name, {
            hcp: plan.hcp,
            account,
            stack,
            relocations: plan.relocations,
            imports: importsOf(stack.name),
            ...(plan.pins === undefined ? {} : { pins: plan.pins }),
          });
    for (const name of stack.dependsOn) {
      const before = stacks.get(name);
      if (before === undefined) throw new Error(`stack ${stack.name} depends on unknown ${name}`);
      built.addDependency(before);
    }
    stacks.set(stack.name, built);
  }
  return {
    app,
    plan,
    warnings: findings.warnings.map((finding) => `Warning: ${formatFinding(finding, locate)}`),
    acknowledged: findings.acknowledged.map((finding) => formatFinding(finding, locate)),
  };
}
