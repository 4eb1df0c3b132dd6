import { App } from "cdktf";
import { TrustStack } from "../stacks/trust-stack";
import { ConfigError } from "./config/load";
import type { TrustConfig } from "./config/schema";
import { PRODUCT } from "./product";
import { checkRules, formatFinding } from "./rules";

/** The name of the stack (and of its local state file, `terraform.STACK.tfstate`). */
export const STACK_NAME = PRODUCT;

export interface BuildAppOptions {
  /** @default - `cdktf.out`, or the folder the cdktf CLI asks for */
  readonly outdir?: string;
}

export interface BuiltApp {
  readonly app: App;
  /** Safety rule violations the config opted out of; print them on every synth. */
  readonly warnings: readonly string[];
}

/**
 * The cdktf app for a validated config, after the safety rules passed.
 * Throws {@link ConfigError} listing every rule violation; nothing is built then.
 */
export function buildApp(config: TrustConfig, options: BuildAppOptions = {}): BuiltApp {
  const findings = checkRules(config);
  if (findings.errors.length > 0) {
    const problems = findings.errors.map(formatFinding);
    const heading =
      problems.length === 1 ? "Unsafe config:" : `Unsafe config (${problems.length} problems):`;
    throw new ConfigError([heading, ...problems.map((p) => `  - ${p}`)].join("\n"), problems);
  }
  const app = new App({ outdir: options.outdir });
  new TrustStack(app, STACK_NAME, { config });
  return {
    app,
    warnings: findings.warnings.map((finding) => `Warning: ${formatFinding(finding)}`),
  };
}
