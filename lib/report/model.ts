import { PRODUCT } from "../product";
import { rolesOfStack, type SynthesizedRole, type SynthesizedStack } from "../synth-output";

/** An AWS account, as its stacks configure it. */
export interface ReportAccount {
  /** The account's name in the config (`default` for the `aws` block). */
  readonly name: string;
  readonly region: string;
  /** Undefined when the stacks deploy to whatever account their credentials belong to. */
  readonly accountId?: string;
  /** `created for https://HOST` (in the base stack), or `reused ARN`. */
  readonly oidcProvider: string;
  /** The account's stacks: the base stack (if any) and one per project. */
  readonly stacks: readonly string[];
}

/** A role, with whose runs it admits (read from its trust policy) and what it may do. */
export interface ReportRole {
  /** The account's name in the config. */
  readonly account: string;
  readonly stack: string;
  readonly address: string;
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly organization: string;
  /** Undefined: any project. */
  readonly project?: string;
  /** Undefined: every workspace of the project. */
  readonly workspace?: string;
  readonly phase: "plan" | "apply" | "plan and apply";
  readonly tag?: string;
  readonly subject: string;
  readonly policies: readonly string[];
  /** Where its ARN is written: `workspace app: TFC_AWS_RUN_ROLE_ARN`. */
  readonly variables: readonly string[];
}

/** A variable written on a workspace or in a project's variable set. */
export interface ReportVariable {
  readonly key: string;
  /** The value, or for a role ARN the role's name. */
  readonly value: string;
  /** For a role ARN: the role, as `STACK ADDRESS` (unique, unlike role names across accounts). */
  readonly role?: string;
}

/** A workspace or project and the variables written for it. */
export interface ReportTarget {
  readonly kind: "workspace" | "project";
  readonly name: string;
  readonly created: boolean;
  /** For a project: the variable set that carries its variables, as written. */
  readonly variableSet?: { readonly name: string; readonly priority: boolean };
  readonly variables: readonly ReportVariable[];
}

/** What the synth was made from (see `synth-record.ts`). */
export interface ReportProvenance {
  /** `made from trust.yaml at 2026-11-23 09:05 UTC` */
  readonly source: string;
  /** Set when the config changed since: what to do. */
  readonly stale?: string;
}

export interface TrustReport {
  readonly provenance?: ReportProvenance;
  readonly accounts: readonly ReportAccount[];
  readonly roles: readonly ReportRole[];
  readonly targets: readonly ReportTarget[];
  readonly warnings: readonly string[];
}

/** A role's key among the roles of every stack: `STACK ADDRESS`. */
export function roleKey(role: { readonly stack: string; readonly address: string }): string {
  return `${role.stack} ${role.address}`;
}

const SUB = /^organization:([^:]*):project:([^:]*):workspace:([^:]*):run_phase:([^:]*)$/;
const REF = /^\$\{([^}]+)\}$/;

/** The trust map of synthesized stacks: accounts, roles and the variables that point at them. */
export function buildReport(
  stacks: readonly SynthesizedStack[],
  warnings: readonly string[] = [],
  provenance?: ReportProvenance,
): TrustReport {
  const accounts = new Map<string, ReportAccount & { stacks: string[]; oidcProvider: string }>();
  const synthesized: SynthesizedRole[] = [];
  for (const { name, json } of stacks) {
    const aws = json.provider?.aws?.[0];
    if (aws === undefined) continue;
    const account = accountOfStack(name);
    const created = Object.values(json.resource?.aws_iam_openid_connect_provider ?? {})[0];
    const roles = rolesOfStack(name, json);
    synthesized.push(...roles);
    const allowed = aws.allowed_account_ids;
    const entry = accounts.get(account) ?? {
      name: account,
      region: String(aws.region),
      ...(Array.isArray(allowed) && allowed.length === 1 ? { accountId: String(allowed[0]) } : {}),
      oidcProvider: "",
      stacks: [],
    };
    entry.stacks.push(name);
    if (created !== undefined)
      entry.oidcProvider = `created for ${String(created.url)} in stack ${name}`;
    // Without a base stack, the roles' principal is the reused provider's ARN (a stack that
    // derives the ARN from its deploying account reads data.aws_caller_identity instead).
    const principal = roles[0] === undefined ? undefined : principalOf(roles[0]);
    if (entry.oidcProvider === "" && principal !== undefined && !json.data?.aws_caller_identity) {
      entry.oidcProvider = `reused ${principal}`;
    }
    accounts.set(account, entry);
  }

  const index: RoleIndex = {
    byArn: new Map(synthesized.map((r) => [r.arn, r])),
    byAddress: new Map(synthesized.map((r) => [roleKey(r), r])),
  };
  // Variables, by the role they point at.
  const byRole = new Map<SynthesizedRole, string[]>();
  const targets: ReportTarget[] = [];
  for (const { name: stackName, json } of stacks) {
    const targetOf = new Map<string, ReportTarget & { variables: ReportVariable[] }>();
    for (const variable of Object.values(json.resource?.tfe_variable ?? {})) {
      const ref = String(variable.workspace_id ?? variable.variable_set_id ?? "");
      let target = targetOf.get(ref);
      if (target === undefined) {
        target = { ...describeTarget(ref, json), variables: [] };
        targetOf.set(ref, target);
        targets.push(target);
      }
      const value = String(variable.value);
      const role = roleOfValue(value, stackName, index);
      target.variables.push({
        key: String(variable.key),
        value: role?.name ?? value,
        ...(role === undefined ? {} : { role: roleKey(role) }),
      });
      if (role !== undefined) {
        const list = byRole.get(role) ?? [];
        list.push(`${target.kind} ${target.name}: ${String(variable.key)}`);
        byRole.set(role, list);
      }
    }
  }

  const policies = new Map(stacks.map(({ name, json }) => [name, policiesByRole(json)]));
  const roles = synthesized.map((role): ReportRole => {
    const json = stacks.find((s) => s.name === role.stack)?.json;
    const statement = role.trustPolicy.Statement[0] as {
      Condition?: Record<string, Record<string, string>>;
    };
    const subject = Object.entries(
      statement.Condition?.StringLike ?? statement.Condition?.StringEquals ?? {},
    ).find(([key]) => key.endsWith(":sub"))?.[1];
    const [, organization = "", project = "*", workspace = "*", phase = "*"] =
      SUB.exec(subject ?? "") ?? [];
    const tags = (json?.resource?.aws_iam_role?.[role.address.replace(/^aws_iam_role\./, "")]
      ?.tags ?? {}) as Record<string, string>;
    return {
      account: accountOfStack(role.stack),
      stack: role.stack,
      address: role.address,
      name: role.name,
      arn: role.arn,
      region: accounts.get(accountOfStack(role.stack))?.region ?? "",
      organization,
      ...(project === "*" ? {} : { project }),
      ...(workspace === "*" ? {} : { workspace }),
      phase: phase === "plan" || phase === "apply" ? phase : "plan and apply",
      ...(tags.HcpCredentialTag === undefined ? {} : { tag: tags.HcpCredentialTag }),
      subject: subject ?? "",
      policies: policies.get(role.stack)?.get(`\${${role.address}.name}`) ?? [],
      variables: byRole.get(role) ?? [],
    };
  });
  return {
    ...(provenance === undefined ? {} : { provenance }),
    accounts: [...accounts.values()],
    roles,
    targets,
    warnings,
  };
}

function principalOf(role: SynthesizedRole): string {
  const statement = role.trustPolicy.Statement[0] as { Principal?: { Federated?: string } };
  return String(statement.Principal?.Federated ?? "");
}

/** For each `${aws_iam_role.X.name}` reference of a stack: the policies attached through it. */
function policiesByRole(json: SynthesizedStack["json"]): Map<string, string[]> {
  const byRole = new Map<string, string[]>();
  const add = (role: unknown, policy: string) => {
    const list = byRole.get(String(role)) ?? [];
    list.push(policy);
    byRole.set(String(role), list);
  };
  for (const a of Object.values(json.resource?.aws_iam_role_policy_attachment ?? {})) {
    // AWS managed policies by their short name.
    add(a.role, String(a.policy_arn).replace(/^arn:[\w-]+:iam::aws:policy\//, ""));
  }
  for (const p of Object.values(json.resource?.aws_iam_role_policy ?? {})) add(p.role, "inline");
  return byRole;
}

/** The workspace or project a `workspace_id` / `variable_set_id` reference points at. */
function describeTarget(
  ref: string,
  json: SynthesizedStack["json"],
): Omit<ReportTarget, "variables"> {
  // `${data.tfe_workspace.workspaces["NAME"].id}`: an existing workspace, looked up by name.
  const lookedUp = /^data\.tfe_workspace\.[^.[]+\["([^"]+)"\]\.id$/.exec(REF.exec(ref)?.[1] ?? "");
  if (lookedUp?.[1] !== undefined) return { kind: "workspace", name: lookedUp[1], created: false };
  const [type, address] = (REF.exec(ref)?.[1] ?? "")
    .replace(/\.id$/, "")
    .replace(/^data\./, "data:")
    .split(".");
  if (type === "tfe_workspace") {
    return {
      kind: "workspace",
      name: String(json.resource?.tfe_workspace?.[address ?? ""]?.name),
      created: true,
    };
  }
  const projectRef = Object.values(json.resource?.tfe_project_variable_set ?? {}).find(
    (a) => a.variable_set_id === ref,
  )?.project_id;
  const projectAddress = (REF.exec(String(projectRef ?? ""))?.[1] ?? "").split(".")[2] ?? "";
  const set = json.resource?.tfe_variable_set?.[address ?? ""];
  return {
    kind: "project",
    name: String(json.data?.tfe_project?.[projectAddress]?.name ?? address),
    created: false,
    ...(set === undefined
      ? {}
      : { variableSet: { name: String(set.name), priority: set.priority === true } }),
  };
}

/**
 * The role a variable's value names: a reference in the same stack, or a literal ARN (no stack
 * reads another's state, so there is nothing else).
 */
function roleOfValue(value: string, stack: string, index: RoleIndex): SynthesizedRole | undefined {
  const ref = REF.exec(value)?.[1];
  if (ref === undefined) return index.byArn.get(value);
  const local = /^aws_iam_role\.([^.]+)\.arn$/.exec(ref);
  return local ? index.byAddress.get(`${stack} aws_iam_role.${local[1]}`) : undefined;
}

interface RoleIndex {
  readonly byArn: ReadonlyMap<string, SynthesizedRole>;
  /** By `STACK aws_iam_role.NAME`. */
  readonly byAddress: ReadonlyMap<string, SynthesizedRole>;
}

/** The account a stack belongs to, from its name: `hcp-aws-trust-ACCOUNT[.PROJECT...]`. */
export function accountOfStack(stack: string): string {
  const name = stack.startsWith(`${PRODUCT}-`) ? stack.slice(PRODUCT.length + 1) : stack;
  return name.split(".")[0] ?? name;
}
