import { App } from "cdktf";
import { AccountStack } from "../stacks/account-stack";
import { HcpStack } from "../stacks/hcp-stack";
import { missing, TrustStack } from "../stacks/trust-stack";
import { ConfigError } from "./config/load";
import type { TrustConfig } from "./config/schema";
import { PRODUCT } from "./product";
import { knownAccountId, planRoles, planVariables, roleArn } from "./role-plan";
import { checkRules, formatFinding } from "./rules";

/** The stack of a config with the `aws` block (and its local state file, `terraform.STACK.tfstate`). */
export const STACK_NAME = PRODUCT;
/** The stack holding the HCP Terraform side of a config with `accounts`. */
export const HCP_STACK_NAME = `${PRODUCT}-hcp`;

/** The stack of one account of a config with `accounts`. */
export function accountStackName(account: string): string {
  return `${PRODUCT}-${account}`;
}

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
 *
 * A config with the `aws` block gives one stack with both sides. A config with `accounts` gives
 * one stack per account (AWS side) and one stack for the HCP Terraform side, which depends on
 * them: `cdktf deploy '*'` deploys the accounts first.
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
  if (config.accounts === undefined) {
    new TrustStack(app, STACK_NAME, { config });
  } else {
    const roles = planRoles(config);
    const stacks = Object.entries(config.accounts).map(([name, account]) => {
      const stack = new AccountStack(app, accountStackName(name), {
        config,
        account,
        roles: roles.filter((role) => role.account === name),
      });
      return { name, account, stack };
    });
    const hcp = new HcpStack(app, HCP_STACK_NAME, {
      config,
      targets: planVariables(config, roles),
      roleArn: (role) => {
        const owner = stacks.find((s) => s.name === role.account) ?? missing(role.roleName);
        const accountId = knownAccountId(owner.account);
        // A known account gives the ARN as a literal: no reference from this stack into the other.
        return accountId === undefined
          ? (owner.stack.roleArns.get(role) ?? missing(role.roleName))
          : roleArn(role, owner.account, accountId);
      },
    });
    for (const { stack } of stacks) hcp.addDependency(stack);
  }
  return {
    app,
    warnings: findings.warnings.map((finding) => `Warning: ${formatFinding(finding)}`),
  };
}
