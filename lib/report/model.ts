import { UNKNOWN_ACCOUNT_ID } from "../iam/web-identity";
import { plannedRoleArn } from "../plan/accounts";
import { RESOURCES, variableSetName } from "../plan/members";
import type { PlanAccount, PlanOwner, PlanRole, PlanSummary, PlanTarget } from "../plan/summary";
import { stacksHcl } from "./stacks-hcl";
import type {
  ReportAccount,
  ReportProvenance,
  ReportRole,
  ReportTarget,
  ReportVariable,
  TrustReport,
} from "./types";

export type * from "./types";

/** A role's key among the roles of every stack: `STACK ADDRESS`. */
export function roleKey(role: { readonly stack: string; readonly address: string }): string {
  return `${role.stack} ${role.address}`;
}

/** A role where the plan puts it: its stack and address. */
interface Placed {
  readonly role: PlanRole;
  readonly stack: string;
  readonly address: string;
}

/**
 * The trust map of a plan (the synth's own, or its plan file): accounts, roles, the variables
 * that point at them and, for HCP Terraform Stacks, the HCL their deployments need.
 */
export function buildReport(
  plan: PlanSummary,
  warnings: readonly string[] = [],
  provenance?: ReportProvenance,
  acknowledged: readonly string[] = [],
): TrustReport {
  const planned = new Map(plan.accounts.map((a) => [a.name, a]));
  // In the order the synth writes them: stacks by name (as in manifest.json), each stack's
  // `for_each` instances by key.
  const stacks = [...plan.stacks].sort((a, b) => byCodeUnit(a.name, b.name));
  const accounts = new Map<string, ReportAccount & { stacks: string[] }>();
  const placed = new Map<string, Placed>();
  for (const stack of stacks) {
    const account = planned.get(stack.account);
    if (account === undefined) continue;
    const entry = accounts.get(account.name) ?? {
      name: account.name,
      region: account.region,
      ...(account.accountId === undefined ? {} : { accountId: account.accountId }),
      oidcProvider: oidcProviderOf(plan, account),
      stacks: [],
    };
    entry.stacks.push(stack.name);
    accounts.set(account.name, entry);
    for (const role of [...stack.roles].sort((a, b) => byCodeUnit(a.key, b.key))) {
      placed.set(role.key, {
        role,
        stack: stack.name,
        address: `${RESOURCES.role}["${role.key}"]`,
      });
    }
  }

  // Variables, by the role they point at.
  const byRole = new Map<string, string[]>();
  const targets: ReportTarget[] = [];
  for (const stack of stacks) {
    const written = new Map<PlanTarget, ReportVariable[]>();
    const instances = stack.targets
      .flatMap((target) => target.variables.map((variable) => ({ target, variable })))
      .sort((a, b) => byCodeUnit(instanceKey(a), instanceKey(b)));
    for (const { target, variable } of instances) {
      let variables = written.get(target);
      if (variables === undefined) {
        variables = [];
        written.set(target, variables);
      }
      const { key, value } = variable;
      if (value.kind === "text") {
        variables.push({ key, value: value.text });
        continue;
      }
      const role = placed.get(value.role);
      if (role === undefined) {
        variables.push({ key, value: value.arn ?? value.role });
        continue;
      }
      const { kind, name } = describeTarget(target);
      const list = byRole.get(value.role) ?? [];
      list.push(`${kind} ${name}${kind === "module" ? " test variable" : ""}: ${key}`);
      byRole.set(value.role, list);
      variables.push({ key, value: role.role.roleName, role: roleKey(role) });
    }
    for (const [target, variables] of written)
      targets.push({ ...describeTarget(target), variables });
  }

  const roles = [...placed.values()].map(
    ({ role, stack, address }): ReportRole => ({
      account: role.account,
      stack,
      address,
      name: role.roleName,
      arn: plannedRoleArn(role, planned.get(role.account), UNKNOWN_ACCOUNT_ID),
      region: planned.get(role.account)?.region ?? "",
      organization: plan.hcp.organization,
      ...whose(role.owner),
      phase: phaseOf(role),
      ...(role.tag === undefined ? {} : { tag: role.tag }),
      subject: role.subject,
      policies: [
        // AWS managed policies by their short name.
        ...role.policyArns.map((arn) => arn.replace(/^arn:[\w-]+:iam::aws:policy\//, "")),
        ...(role.inlinePolicy === undefined ? [] : ["inline"]),
      ],
      variables: byRole.get(role.key) ?? [],
    }),
  );
  const hcl = stacksHcl(plan);
  return {
    ...(provenance === undefined ? {} : { provenance }),
    accounts: [...accounts.values()],
    roles,
    targets,
    warnings,
    ...(acknowledged.length === 0 ? {} : { acknowledged }),
    ...(plan.pinning === undefined
      ? {}
      : { pinning: { pinned: plan.pinning.pinned, unpinned: [...plan.pinning.unpinned] } }),
    ...(hcl.length === 0 ? {} : { stacksHcl: hcl }),
  };
}

/** The order of JSON keys as the synth writes them (UTF-16 code units, as `Array.sort`). */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A variable's key in its stack's `for_each` map: `TARGET_KEY`. */
function instanceKey({ target, variable }: { target: PlanTarget; variable: { key: string } }) {
  return `${target.key}_${variable.key}`;
}

/** `created for https://HOST in stack NAME` (its base stack), or `reused ARN`. */
function oidcProviderOf(plan: PlanSummary, account: PlanAccount): string {
  if (account.oidcProvider.kind === "reused") return `reused ${account.oidcProvider.arn}`;
  const base = plan.stacks.find((s) => s.kind === "base" && s.account === account.name);
  return base === undefined ? "" : `created for https://${plan.hcp.hostname} in stack ${base.name}`;
}

/** The project, workspace, Stack or module whose runs an owner's roles admit. */
function whose(
  owner: PlanOwner,
): Pick<ReportRole, "project" | "workspace" | "hcpStack" | "module" | "hyok"> {
  switch (owner.kind) {
    case "workspace":
      return {
        ...(owner.project === undefined ? {} : { project: owner.project }),
        workspace: owner.name,
      };
    case "project":
      return { project: owner.name };
    case "stack":
      return {
        project: owner.project,
        hcpStack: {
          name: owner.name,
          ...(owner.deployment === undefined ? {} : { deployment: owner.deployment }),
        },
      };
    case "module":
      return {
        module: { name: owner.name, provider: owner.provider, subjectName: owner.subjectName },
      };
    case "hyok":
      return {
        hyok: {
          name: owner.name,
          agentPool: owner.agentPool,
          kmsKey: owner.kms.kekId,
          region: owner.kms.region,
          resource: owner.kms.resource,
          ...(owner.kms.alias === undefined ? {} : { alias: owner.kms.alias }),
          actions: [...owner.kms.actions],
        },
      };
  }
}

function phaseOf(role: PlanRole): ReportRole["phase"] {
  if (role.owner.kind === "module") return "test run";
  if (role.owner.kind === "hyok") return "key use";
  return role.phase === "run" ? "plan and apply" : role.phase;
}

/** The workspace, project (its variable set) or module (its test variables) of a target. */
function describeTarget(target: PlanTarget): Omit<ReportTarget, "variables"> {
  const { owner } = target;
  switch (owner.kind) {
    case "workspace":
      return { kind: "workspace", name: owner.name, created: owner.create };
    case "project":
      return {
        kind: "project",
        name: owner.name,
        created: false,
        // Not a priority set: a workspace's own variables keep winning (`hcp-variables.ts`).
        variableSet: { name: variableSetName(owner.name), priority: false },
      };
    case "module":
      return {
        kind: "module",
        name: owner.subjectName,
        created: false,
        module: { name: owner.name, provider: owner.provider },
      };
    case "stack":
      throw new Error(`Stack ${owner.name} has no variables: its deployments read .tfdeploy.hcl`);
    case "hyok":
      throw new Error(`HYOK configuration ${owner.name} has no variables`);
  }
}
