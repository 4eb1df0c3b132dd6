import { UNKNOWN_ACCOUNT_ID } from "../iam/web-identity";
import { rolesOfStack, type SynthesizedRole, type SynthesizedStack } from "../synth-output";

/** An AWS account as its stack configures it. */
export interface ReportAccount {
  readonly stack: string;
  readonly region: string;
  /** Undefined when the stack deploys to whatever account its credentials belong to. */
  readonly accountId?: string;
  /** `created`, or the ARN of the reused provider. */
  readonly oidcProvider: string;
  readonly issuer?: string;
}

/** A role, with whose runs it admits (read from its trust policy) and what it may do. */
export interface ReportRole {
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

/** A workspace or project and the variables written for it. */
export interface ReportTarget {
  readonly kind: "workspace" | "project";
  readonly name: string;
  readonly created: boolean;
  readonly variables: ReadonlyArray<{ readonly key: string; readonly value: string }>;
}

export interface TrustReport {
  readonly accounts: readonly ReportAccount[];
  readonly roles: readonly ReportRole[];
  readonly targets: readonly ReportTarget[];
  readonly warnings: readonly string[];
}

const SUB = /^organization:([^:]*):project:([^:]*):workspace:([^:]*):run_phase:([^:]*)$/;
const REF = /^\$\{([^}]+)\}$/;

/** The trust map of synthesized stacks: accounts, roles and the variables that point at them. */
export function buildReport(
  stacks: readonly SynthesizedStack[],
  warnings: readonly string[] = [],
): TrustReport {
  const accounts: ReportAccount[] = [];
  const synthesized: SynthesizedRole[] = [];
  for (const { name, json } of stacks) {
    const aws = json.provider?.aws?.[0];
    if (aws === undefined) continue;
    const created = Object.values(json.resource?.aws_iam_openid_connect_provider ?? {})[0];
    const roles = rolesOfStack(name, json);
    synthesized.push(...roles);
    const reused = roles
      .map((r) => principalOf(r))
      .find((arn) => !arn.includes(`::${UNKNOWN_ACCOUNT_ID}:`) && created === undefined);
    const allowed = aws.allowed_account_ids;
    accounts.push({
      stack: name,
      region: String(aws.region),
      ...(Array.isArray(allowed) && allowed.length === 1 ? { accountId: String(allowed[0]) } : {}),
      oidcProvider: created !== undefined ? "created" : (reused ?? "reused"),
      ...(created !== undefined ? { issuer: String(created.url) } : {}),
    });
  }

  const index: RoleIndex = {
    byArn: new Map(synthesized.map((r) => [r.arn, r])),
    byAddress: new Map(synthesized.map((r) => [`${r.stack} ${r.address}`, r])),
  };
  // Variables, by the role they point at.
  const byRole = new Map<SynthesizedRole, string[]>();
  const targets: ReportTarget[] = [];
  for (const { name: stackName, json } of stacks) {
    const targetOf = new Map<
      string,
      ReportTarget & { variables: Array<{ key: string; value: string }> }
    >();
    for (const variable of Object.values(json.resource?.tfe_variable ?? {})) {
      const ref = String(variable.workspace_id ?? variable.variable_set_id ?? "");
      let target = targetOf.get(ref);
      if (target === undefined) {
        target = { ...describeTarget(ref, json), variables: [] };
        targetOf.set(ref, target);
        targets.push(target);
      }
      const value = String(variable.value);
      const role = roleOfValue(value, stackName, index, stacks);
      target.variables.push({ key: String(variable.key), value: role?.name ?? value });
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
      stack: role.stack,
      address: role.address,
      name: role.name,
      arn: role.arn,
      region: accounts.find((a) => a.stack === role.stack)?.region ?? "",
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
  return { accounts, roles, targets, warnings };
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
  const lookedUp = /^data\.tfe_workspace_ids\.[^.]+\.ids\["([^"]+)"\]$/.exec(
    REF.exec(ref)?.[1] ?? "",
  );
  if (lookedUp?.[1] !== undefined) return { kind: "workspace", name: lookedUp[1], created: false };
  const [type, address] = (REF.exec(ref)?.[1] ?? "")
    .replace(/\.id$/, "")
    .replace(/^data\./, "data:")
    .split(".");
  if (type === "data:tfe_workspace") {
    return {
      kind: "workspace",
      name: String(json.data?.tfe_workspace?.[address ?? ""]?.name),
      created: false,
    };
  }
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
  return {
    kind: "project",
    name: String(json.data?.tfe_project?.[projectAddress]?.name ?? address),
    created: false,
  };
}

/** The role a variable's value names: a reference in the same stack, a literal ARN, or a cross-stack output. */
function roleOfValue(
  value: string,
  stack: string,
  index: RoleIndex,
  stacks: readonly SynthesizedStack[],
): SynthesizedRole | undefined {
  const ref = REF.exec(value)?.[1];
  if (ref === undefined) return index.byArn.get(value);
  const local = /^aws_iam_role\.([^.]+)\.arn$/.exec(ref);
  if (local) return index.byAddress.get(`${stack} aws_iam_role.${local[1]}`);
  const remote =
    /^data\.terraform_remote_state\.cross-stack-reference-input-([^.]+)\.outputs\.([^.]+)$/.exec(
      ref,
    );
  if (remote) {
    const [, source = "", output = ""] = remote;
    const target = REF.exec(
      String(stacks.find((s) => s.name === source)?.json.output?.[output]?.value ?? ""),
    )?.[1];
    const address = /^aws_iam_role\.([^.]+)\.arn$/.exec(target ?? "")?.[1];
    return index.byAddress.get(`${source} aws_iam_role.${address}`);
  }
  return undefined;
}

interface RoleIndex {
  readonly byArn: ReadonlyMap<string, SynthesizedRole>;
  /** By `STACK aws_iam_role.NAME`. */
  readonly byAddress: ReadonlyMap<string, SynthesizedRole>;
}
