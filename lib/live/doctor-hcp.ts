import {
  describeSource,
  type EffectiveConfiguration,
  type EffectivePhase,
  effectiveAwsCredentials,
  type VariableSetInput,
  type WorkspaceVariablesInput,
} from "../hcp/precedence";
import type { Finding } from "./doctor-aws";
import {
  type ExpectedState,
  type ExpectedVariable,
  type ExpectedWorkspace,
  resolveValue,
} from "./expected";
import type { HcpReader, LiveVariable, LiveWorkspace } from "./hcp-read";

/** Stands for the value of a sensitive variable, which the API never returns. */
const SENSITIVE = "\u0000sensitive\u0000";

export interface HcpCheck {
  readonly findings: Finding[];
  readonly workspaces: number;
  readonly projectWorkspaces: number;
  readonly variableSets: number;
}

/**
 * Checks the organization: each configured workspace exists in its project; each project's
 * variable set exists, attached to its project, which exists; and the AWS credentials each
 * workspace's runs really get (every variable and variable set that applies, with HCP
 * Terraform's precedence, per phase and tag) are the config's.
 */
export async function checkOrganization(
  state: ExpectedState,
  accountIds: ReadonlyMap<string, string>,
  hcp: HcpReader,
  /** Roles found missing in AWS, as `ACCOUNT/NAME`: they trust nothing yet. */
  missingRoles: ReadonlySet<string> = new Set(),
): Promise<HcpCheck> {
  await hcp.checkOrganization();
  const findings: Finding[] = [];
  const managed = new Set(state.variableSets.map((set) => set.name));
  const resolve = (variables: readonly ExpectedVariable[]) =>
    variables.map((v) => ({ key: v.key, value: resolveValue(state, v.value, accountIds) ?? "" }));
  const setOf = (project: string | undefined): VariableSetInput[] => {
    const set = state.variableSets.find((s) => s.project === project);
    return set === undefined
      ? []
      : [{ name: set.name, scope: "project", priority: false, variables: resolve(set.variables) }];
  };

  await Promise.all(
    state.workspaces.map(async (ws) => {
      const subject = `workspace ${ws.name}`;
      const live = await hcp.workspace(ws.name);
      if (live === undefined) {
        const trusting = state.roles.filter(
          (r) =>
            r.owner.kind === "workspace" &&
            r.owner.workspace === ws.name &&
            !missingRoles.has(`${r.account}/${r.name}`),
        );
        findings.push(
          missingWorkspace(
            state,
            ws,
            trusting.map((r) => r.name),
          ),
        );
        return;
      }
      const projectName =
        live.projectId === undefined ? undefined : (await hcp.project(live.projectId))?.name;
      if (ws.project !== undefined && projectName !== ws.project) {
        findings.push({
          severity: "error",
          code: "workspace-moved",
          subject,
          message: `is in project ${JSON.stringify(projectName ?? "?")}, the config says ${JSON.stringify(ws.project)}: its runs are refused, since its role trusts project ${JSON.stringify(ws.project)} only`,
          todo: "move the workspace back, or change its project in the config and deploy",
        });
      }
      const expected = {
        workspace: resolve(ws.variables),
        variableSets: setOf(projectName ?? ws.project),
      };
      findings.push(...(await compareCredentials(subject, expected, live, hcp, managed)));
    }),
  );

  let projectWorkspaces = 0;
  const listed = new Set(state.workspaces.map((w) => w.name));
  for (const set of state.variableSets) {
    const subject = `variable set ${JSON.stringify(set.name)}`;
    const project = await hcp.projectByName(set.project);
    if (project === undefined) {
      const roles = state.roles.filter(
        (r) => r.owner.kind === "project" && r.owner.project === set.project,
      );
      findings.push({
        severity: "error",
        code: "project-missing",
        subject: `project ${JSON.stringify(set.project)}`,
        message: `not found in organization ${state.organization} (renamed or deleted?); ${roles.map((r) => `role ${r.name}`).join(", ")} still trust any workspace of a project of that name: whoever creates it can assume ${roles.length === 1 ? "it" : "them"}`,
        todo: "rename the project back, or change or remove its entry in the config and deploy",
      });
      continue;
    }
    const live = await hcp.variableSetByName(set.name);
    if (live === undefined || !live.projectIds.includes(project.id)) {
      findings.push({
        severity: "error",
        code: live === undefined ? "variable-set-missing" : "variable-set-detached",
        subject,
        message: `${live === undefined ? "does not exist" : `is not attached to project ${JSON.stringify(set.project)}`}: the project's workspaces get no credentials from it`,
        todo: "deploy the project's stack",
      });
    }
    const members = await hcp.workspacesInProject(project);
    const unlisted = members.filter((w) => !listed.has(w.name));
    projectWorkspaces += unlisted.length;
    await Promise.all(
      unlisted.map(async (ws) => {
        const expected = { workspace: [], variableSets: setOf(set.project) };
        findings.push(
          ...(await compareCredentials(`workspace ${ws.name}`, expected, ws, hcp, managed)),
        );
      }),
    );
  }
  if (state.hyok.length > 0) findings.push(...(await checkHyok(state, accountIds, hcp)));
  return {
    findings,
    workspaces: state.workspaces.length,
    projectWorkspaces,
    variableSets: state.variableSets.length,
  };
}

/**
 * Checks each HYOK configuration of the config against HCP Terraform: it exists, with the config's
 * key and region, an AWS OIDC configuration naming its role, and its agent pool; its status is
 * `available` (a revoked one is on its way out: retire its entry once the migration ended); and
 * the organization has a primary configuration, which only HCP Terraform sets.
 * https://developer.hashicorp.com/terraform/cloud-docs/hold-your-own-key/configure
 */
export async function checkHyok(
  state: ExpectedState,
  accountIds: ReadonlyMap<string, string>,
  hcp: HcpReader,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const live = await hcp.hyokConfigurations();
  for (const want of state.hyok) {
    const subject = `HYOK configuration ${want.name}`;
    const found = live.find((h) => h.name === want.name);
    if (found === undefined) {
      findings.push({
        severity: "error",
        code: "hyok-missing",
        subject,
        message: `not found in organization ${state.organization}: no agent uses role ${want.role.name} for its key`,
        todo: `deploy the stack of account ${want.account} for no project (it creates the configuration)`,
      });
      continue;
    }
    if (found.kekId !== want.kekId || (found.keyRegion ?? "") !== want.keyRegion) {
      findings.push({
        severity: "error",
        code: "hyok-key",
        subject,
        message: `uses key ${JSON.stringify(found.kekId)} in ${JSON.stringify(found.keyRegion ?? "")}, the config says ${JSON.stringify(want.kekId)} in ${JSON.stringify(want.keyRegion)}: its role may use only the config's key`,
        todo: "deploy its stack to set the config's key, or change kmsKey in the config",
      });
    }
    const oidc = found.oidcConfiguration;
    const arn = resolveValue(state, { roleOf: want.role }, accountIds);
    const roleArn =
      oidc === undefined || !/aws/i.test(oidc.type) ? undefined : await hcp.awsOidcRoleArn(oidc.id);
    if (roleArn === undefined || (arn !== undefined && roleArn !== arn)) {
      findings.push({
        severity: "error",
        code: "hyok-role",
        subject,
        message:
          roleArn === undefined
            ? `has no AWS OIDC configuration this token can read${oidc === undefined ? "" : ` (${oidc.type} ${oidc.id})`}: its agents do not assume role ${want.role.name}`
            : `has an AWS OIDC configuration naming ${roleArn}, not ${arn}: its agents assume another role than the one the config limits to its key`,
        todo: "deploy its stack",
      });
    }
    const pool =
      found.agentPoolId === undefined ? undefined : await hcp.agentPoolName(found.agentPoolId);
    if (pool !== want.agentPool) {
      findings.push({
        severity: "error",
        code: "hyok-agent-pool",
        subject,
        message: `uses agent pool ${JSON.stringify(pool ?? found.agentPoolId ?? "?")}, the config says ${JSON.stringify(want.agentPool)}`,
        todo: "deploy its stack, or change agentPool in the config",
      });
    }
    if (found.status === "revoking" || found.status === "revoked") {
      findings.push({
        severity: "warning",
        code: "hyok-revoked",
        subject,
        message: `is ${found.status} in HCP Terraform${found.status === "revoking" ? ": its workspaces are being migrated to the primary configuration, through its agents, its key and its role" : ""}`,
        todo:
          found.status === "revoking"
            ? "keep the key, the role and the entry until the migration ends"
            : "set retired: true on its entry and deploy (see Retiring a HYOK configuration)",
      });
    } else if (found.status === "test_failed" || found.status === "errored") {
      findings.push({
        severity: "error",
        code: "hyok-status",
        subject,
        message: `is ${found.status} in HCP Terraform${found.error === undefined ? "" : `: ${found.error}`}`,
        todo: "check the key policy lets the role use the key, that an agent of the pool has request forwarding, then test the configuration again in HCP Terraform",
      });
    } else if (found.status !== "available") {
      findings.push({
        severity: "warning",
        code: "hyok-status",
        subject,
        message: `is ${JSON.stringify(found.status)} in HCP Terraform, not available`,
        todo: "test the configuration in HCP Terraform (organization settings, Hold your own key)",
      });
    }
  }
  if (!live.some((h) => h.primary)) {
    findings.push({
      severity: "warning",
      code: "hyok-no-primary",
      subject: `organization ${state.organization}`,
      message:
        "has HYOK configurations but none is primary: this app cannot set it (the tfe provider has no such argument)",
      todo: "promote one in HCP Terraform (organization settings, Hold your own key)",
    });
  }
  return findings;
}

/** A configured workspace that is not there: reclaimable while a role trusts its name. */
function missingWorkspace(state: ExpectedState, ws: ExpectedWorkspace, roles: string[]): Finding {
  const subject = `workspace ${ws.name}`;
  if (roles.length === 0) {
    return {
      severity: ws.create ? "warning" : "error",
      code: "workspace-missing",
      subject,
      message: `not found in organization ${state.organization}, and no role trusts it yet`,
      todo: ws.create
        ? "deploy: it creates the workspace"
        : "create the workspace, or fix its name in the config",
    };
  }
  const where = ws.project === undefined ? "" : ` in project ${JSON.stringify(ws.project)}`;
  return {
    severity: "error",
    code: "workspace-missing",
    subject,
    message: `not found in organization ${state.organization} (renamed or deleted?); ${roles.map((r) => `role ${r}`).join(", ")} still trust${roles.length === 1 ? "s" : ""} that name: whoever creates a workspace named ${ws.name}${where} can assume ${roles.length === 1 ? "it" : "them"}`,
    todo: `rename the workspace back, or change or remove its entry in the config and deploy${ws.create ? " (or deploy to create it again)" : ""}`,
  };
}

/** What a workspace's runs really get, against what the config gives them. */
async function compareCredentials(
  subject: string,
  expected: WorkspaceVariablesInput,
  workspace: LiveWorkspace,
  hcp: HcpReader,
  managed: ReadonlySet<string>,
): Promise<Finding[]> {
  const [vars, sets] = await Promise.all([
    hcp.workspaceVariables(workspace),
    hcp.workspaceVariableSets(workspace),
  ]);
  const variableSets = await Promise.all(
    sets.map(
      async (set): Promise<VariableSetInput> => ({
        name: set.name,
        scope: set.global
          ? "global"
          : workspace.projectId !== undefined && set.projectIds.includes(workspace.projectId)
            ? "project"
            : "workspace",
        priority: set.priority,
        owner: set.ownerProjectId === undefined ? "organization" : "project",
        variables: (await hcp.setVariables(set)).map(toInput),
      }),
    ),
  );
  const live = effectiveAwsCredentials({ workspace: vars.map(toInput), variableSets });
  const findings: Finding[] = [];
  for (const want of effectiveAwsCredentials(expected)) {
    if (!want.plan.authenticates && !want.apply.authenticates) continue;
    const got = live.find((c) => c.tag === want.tag);
    const plan = comparePhase(subject, "plan", want, got?.plan, managed);
    const apply = comparePhase(subject, "apply", want, got?.apply, managed);
    // One finding when both phases go wrong the same way.
    if (
      plan !== undefined &&
      apply !== undefined &&
      plan.message.slice(4) === apply.message.slice(5)
    ) {
      findings.push({ ...plan, message: `plan and apply${plan.message.slice(4)}` });
    } else {
      if (plan !== undefined) findings.push(plan);
      if (apply !== undefined) findings.push(apply);
    }
  }
  return findings;
}

function comparePhase(
  subject: string,
  phase: "plan" | "apply",
  want: EffectiveConfiguration,
  got: EffectivePhase | undefined,
  managed: ReadonlySet<string>,
): Finding | undefined {
  const expected = want[phase];
  const runs = `${phase} runs${want.tag === undefined ? "" : ` (credentials tag ${want.tag})`}`;
  if (got === undefined || !got.authenticates) {
    return {
      severity: "error",
      code: "credentials-missing",
      subject,
      message: `${runs} get no AWS credentials: ${got?.problem ?? "no TFC_AWS_* variables apply"}`,
      todo: "deploy the workspace's stack (it writes the variables)",
    };
  }
  const unreadable = got.roleArn === SENSITIVE || got.audience === SENSITIVE;
  if (unreadable) {
    const from = got.roleArn === SENSITIVE ? got.roleArnFrom : got.audienceFrom;
    return {
      severity: "warning",
      code: "credentials-unreadable",
      subject,
      message: `${runs} take their role or audience from a sensitive variable (${from === undefined ? "?" : `${from.key}, ${describeSource(from.source)}`}), whose value cannot be read`,
      todo: "make it non-sensitive (a role ARN is no secret), so it can be checked",
    };
  }
  if (got.roleArn === expected.roleArn && got.audience === expected.audience) return undefined;
  const what =
    got.roleArn !== expected.roleArn
      ? `assume ${got.roleArn}${got.roleArnFrom === undefined ? "" : ` (${got.roleArnFrom.key}, ${describeSource(got.roleArnFrom.source)})`}, not ${expected.roleArn}`
      : `send the audience ${JSON.stringify(got.audience)}${got.audienceFrom === undefined ? "" : ` (${got.audienceFrom.key}, ${describeSource(got.audienceFrom.source)})`}, not ${JSON.stringify(expected.audience)}`;
  const source =
    got.roleArn !== expected.roleArn ? got.roleArnFrom?.source : got.audienceFrom?.source;
  const foreign = source?.kind === "variable-set" && !managed.has(source.name);
  return {
    severity: "error",
    code: "credentials-differ",
    subject,
    message: `${runs} ${what}`,
    todo: foreign
      ? "remove that key from the variable set (or take the workspace out of it): the set overrides what the app writes"
      : "deploy the workspace's stack; if the variable was edited by hand, the deploy restores it",
  };
}

function toInput(variable: LiveVariable) {
  return {
    key: variable.key,
    value: variable.sensitive ? SENSITIVE : (variable.value ?? ""),
    category: variable.category === "terraform" ? ("terraform" as const) : ("env" as const),
  };
}
