import { App } from "cdktf";
import { AccountStack } from "../stacks/account-stack";
import { ShardStack } from "../stacks/shard-stack";
import { ConfigError, locatePath } from "./config/load";
import { accountsOf, type TrustConfig } from "./config/schema";
import { addHcpVariables } from "./hcp-variables";
import { outputFolder, prepareOutputFolder } from "./output-folder";
import {
  knownAccountId,
  type PlannedRole,
  planRoles,
  planVariables,
  type VariableTarget,
} from "./role-plan";
import { checkRules, formatFinding, RULES } from "./rules";
import { baseStackName, type ShardKey, shardCounts, shardOfRole, shardStackName } from "./shards";

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
 * Throws {@link ConfigError} listing every rule violation; nothing is built then. Throws
 * `OutputFolderError` if the output folder cannot be made.
 *
 * Stacks: per AWS account, a base stack with the OIDC provider (none when the provider is
 * reused), and one stack per project (see `shards.ts`) with the project's roles in that account
 * and the HCP Terraform variables of the workspaces and projects whose first role is there.
 * Every project stack depends on its account's base stack: `cdktf deploy '*'` deploys bases first.
 */
export function buildApp(config: TrustConfig, options: BuildAppOptions = {}): BuiltApp {
  const roles = planRoles(config);
  const findings = checkRules(config, RULES, roles);
  const locate = (path: string) => locatePath(config, path);
  if (findings.errors.length > 0) {
    const problems = findings.errors.map((finding) => formatFinding(finding, locate));
    const heading =
      problems.length === 1 ? "Unsafe config:" : `Unsafe config (${problems.length} problems):`;
    throw new ConfigError([heading, ...problems.map((p) => `  - ${p}`)].join("\n"), problems);
  }
  const outdir = options.outdir ?? outputFolder();
  prepareOutputFolder(outdir);
  const app = new App({ outdir });
  const accounts = accountsOf(config);
  const counts = shardCounts(config.shards);

  const bases = new Map<string, AccountStack>();
  for (const [name, account] of Object.entries(accounts)) {
    if (account.oidcProviderArn === undefined)
      bases.set(name, new AccountStack(app, baseStackName(name), { config, account }));
  }

  // Roles, grouped by shard, in config order.
  const groups = new Map<string, { key: ShardKey; roles: PlannedRole[] }>();
  const shardOf = new Map<PlannedRole, string>();
  for (const role of roles) {
    const key = shardOfRole(role, counts);
    const name = shardStackName(key);
    const group = groups.get(name) ?? { key, roles: [] };
    group.roles.push(role);
    groups.set(name, group);
    shardOf.set(role, name);
  }
  const shards = new Map<string, ShardStack>();
  for (const [name, { key, roles: own }] of groups) {
    const account = accounts[key.account];
    if (account === undefined) throw new Error(`no account ${key.account}`);
    const stack = new ShardStack(app, name, { config, account, roles: own });
    const base = bases.get(key.account);
    if (base !== undefined) stack.addDependency(base);
    shards.set(name, stack);
  }

  // Variables: in the shard of the owner's first role, so a workspace's variables are in one place.
  const byShard = new Map<string, VariableTarget[]>();
  const firstRole = new Map<string, PlannedRole>();
  for (const role of roles) {
    const owner = `${role.owner.kind}:${role.owner.index}`;
    if (!firstRole.has(owner)) firstRole.set(owner, role);
  }
  for (const target of planVariables(config, roles)) {
    const first = firstRole.get(`${target.owner.kind}:${target.owner.index}`);
    const home = first === undefined ? undefined : shardOf.get(first);
    if (home === undefined) throw new Error("every variable target has a role");
    const list = byShard.get(home) ?? [];
    list.push(target);
    byShard.set(home, list);
  }
  const remoteSources = new Map<ShardStack, Set<string>>();
  for (const [name, targets] of byShard) {
    const stack = shards.get(name);
    if (stack === undefined) throw new Error(`no stack ${name}`);
    addHcpVariables(stack, {
      config,
      targets,
      roleArn: (role) => {
        const owner = shards.get(shardOf.get(role) ?? "");
        const account = accounts[role.account];
        if (owner === undefined || account === undefined)
          throw new Error(`role ${role.roleName} has no stack`);
        const arn = owner.roleArns.get(role) ?? missing(role);
        // A literal (known account) or a reference into this same stack reads nothing from another stack.
        if (owner === stack || knownAccountId(account) !== undefined) return arn;
        remoteSources.set(stack, new Set([...(remoteSources.get(stack) ?? []), owner.node.id]));
        return arn;
      },
    });
  }
  checkNoCycles(remoteSources);
  return {
    app,
    warnings: findings.warnings.map((finding) => `Warning: ${formatFinding(finding, locate)}`),
  };
}

function missing(role: PlannedRole): never {
  throw new Error(`role ${role.roleName} is not in its stack`);
}

/**
 * Stacks that read each other's role ARNs could never be deployed one after the other. It takes
 * tagged credentials across accounts whose IDs are unknown; known IDs make the ARNs literals.
 */
function checkNoCycles(remoteSources: ReadonlyMap<ShardStack, ReadonlySet<string>>): void {
  const edges = new Map(
    [...remoteSources].map(([stack, sources]) => [stack.node.id, [...sources]]),
  );
  const state = new Map<string, "visiting" | "done">();
  const visit = (node: string, path: string[]): void => {
    if (state.get(node) === "done") return;
    if (state.get(node) === "visiting") {
      const cycle = [...path.slice(path.indexOf(node)), node].join(" -> ");
      throw new ConfigError(
        `stacks read each other's role ARNs in a circle (${cycle}), so none can be deployed first: set accountId on the accounts of tagged credentials, so the ARNs are written as literals`,
      );
    }
    state.set(node, "visiting");
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    state.set(node, "done");
  };
  for (const node of edges.keys()) visit(node, []);
}
