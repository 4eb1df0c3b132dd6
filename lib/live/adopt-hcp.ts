import { readAsVariableSet } from "../plan/members";
import type { AdoptedHyok, AdoptedVariableSet, AdoptedWorkspace } from "./adoption-format";
import { importId, liveIdForm } from "./adoption-format";
import {
  type ExpectedState,
  type ExpectedVariable,
  type ExpectedWorkspace,
  resolveValue,
} from "./expected";
import { type AdoptionFindings, countCreated } from "./findings";
import type { HcpReader, LiveVariable } from "./hcp-read";

export interface HcpAdoption {
  readonly workspaces: Record<string, AdoptedWorkspace>;
  readonly variableSets: Record<string, AdoptedVariableSet>;
  readonly hyokConfigurations: Record<string, AdoptedHyok>;
}

/**
 * What of the planned HCP Terraform side exists already: the `TFC_AWS_*` variables the app
 * would write, on each workspace and in each project's variable set, created workspaces, and
 * the variable sets themselves with their project attachment.
 */
export async function adoptHcp(
  state: ExpectedState,
  accountIds: ReadonlyMap<string, string>,
  hcp: HcpReader,
  findings: AdoptionFindings,
  overwrite: boolean,
): Promise<HcpAdoption> {
  await hcp.checkOrganization();
  const org = state.organization;
  const workspaces: Record<string, AdoptedWorkspace> = {};
  const variableSets: Record<string, AdoptedVariableSet> = {};
  const resolve = (variable: ExpectedVariable) => resolveValue(state, variable.value, accountIds);

  await Promise.all(
    state.workspaces.map(async (ws) => {
      const adopted = await adoptWorkspace(ws, hcp, findings, overwrite, resolve, org);
      if (adopted !== undefined) workspaces[ws.name] = adopted;
    }),
  );
  await Promise.all(
    state.variableSets.map(async (set) => {
      const subject = `variable set ${JSON.stringify(set.name)}`;
      const live = await hcp.variableSetByName(set.name);
      if (live === undefined) {
        countCreated(findings, "variable set");
        countCreated(findings, "variable", set.variables.length);
        return;
      }
      if (!liveIdForm.variableSet.test(live.id)) {
        findings.notes.push(
          `${subject} has the ID ${JSON.stringify(live.id)}, which the tfe provider cannot import; it is left out`,
        );
        return;
      }
      findings.adopted.push({
        subject,
        ...(live.priority || live.global
          ? {
              change:
                "made an ordinary set (not priority, not global), attached to its project only",
            }
          : {}),
      });
      const project = await hcp.projectByName(set.project);
      const projects: Record<string, string> = {};
      if (
        project !== undefined &&
        live.projectIds.includes(project.id) &&
        liveIdForm.project.test(project.id)
      ) {
        projects[set.project] = importId.projectVariableSet(org, project.id, set.name);
      }
      const variables = adoptVariables(
        `${subject}`,
        set.variables,
        await hcp.setVariables(live),
        (id) => importId.setVariable(org, live.id, id),
        resolve,
        findings,
        overwrite,
      );
      variableSets[set.name] = {
        id: live.id,
        ...(Object.keys(projects).length === 0 ? {} : { projects }),
        ...(Object.keys(variables).length === 0 ? {} : { variables }),
      };
    }),
  );
  const hyokConfigurations =
    state.hyok.length === 0 ? {} : await adoptHyok(state, accountIds, hcp, findings, overwrite);
  return { workspaces, variableSets, hyokConfigurations };
}

/**
 * The HYOK configurations of the config that exist already, by name, with the AWS OIDC
 * configuration each uses. A revoked one, or one of another kind than AWS, is never adopted (the
 * provider would replace it, and replacing means destroying it); a different key, region, agent
 * pool or role is adopted with `--overwrite` (the deploy updates it in place).
 */
async function adoptHyok(
  state: ExpectedState,
  accountIds: ReadonlyMap<string, string>,
  hcp: HcpReader,
  findings: AdoptionFindings,
  overwrite: boolean,
): Promise<Record<string, AdoptedHyok>> {
  const adopted: Record<string, AdoptedHyok> = {};
  const live = await hcp.hyokConfigurations();
  for (const want of state.hyok) {
    const subject = `HYOK configuration ${want.name}`;
    const found = live.find((h) => h.name === want.name);
    if (found === undefined) {
      countCreated(findings, "HYOK configuration");
      countCreated(findings, "AWS OIDC configuration");
      continue;
    }
    const oidc = found.oidcConfiguration;
    const aws = oidc !== undefined && /aws/i.test(oidc.type);
    if (found.status === "revoking" || found.status === "revoked" || !aws) {
      findings.conflicts.push({
        subject,
        message: !aws
          ? `uses ${oidc === undefined ? "no" : `a ${oidc.type}`} OIDC configuration, not AWS: the deploy would replace it, which means destroying it`
          : `is ${found.status} in HCP Terraform: it is on its way out, and the deploy would keep it as a live configuration`,
        todo: "give the config's entry another name (a new configuration), or set retired: true on it",
        overwritable: false,
      });
      continue;
    }
    if (!liveIdForm.hyok.test(found.id)) {
      findings.notes.push(
        `${subject} has the ID ${JSON.stringify(found.id)}, which the tfe provider cannot import; it is left out`,
      );
      continue;
    }
    const roleArn = await hcp.awsOidcRoleArn(oidc.id);
    const wantArn = resolveValue(state, { roleOf: want.role }, accountIds);
    const pool =
      found.agentPoolId === undefined ? undefined : await hcp.agentPoolName(found.agentPoolId);
    const differences = [
      ...(found.kekId === want.kekId ? [] : [`key ${JSON.stringify(found.kekId)}`]),
      ...((found.keyRegion ?? "") === want.keyRegion
        ? []
        : [`region ${JSON.stringify(found.keyRegion ?? "")}`]),
      ...(pool === want.agentPool ? [] : [`agent pool ${JSON.stringify(pool ?? "?")}`]),
      ...(roleArn === wantArn ? [] : [`role ${roleArn ?? "?"}`]),
    ];
    if (differences.length > 0) {
      findings.conflicts.push({
        subject,
        message: `exists with ${differences.join(", ")}; the deploy would change it in place to the config's`,
        todo: "make the entry say what HCP Terraform has, or adopt it anyway with --overwrite",
        overwritable: true,
      });
      if (!overwrite) continue;
    }
    findings.adopted.push({
      subject,
      ...(differences.length === 0
        ? {}
        : { change: `set to the config's ${differences.length === 1 ? "value" : "values"}` }),
    });
    adopted[want.name] = {
      id: found.id,
      ...(liveIdForm.awsOidc.test(oidc.id) ? { oidcConfiguration: oidc.id } : {}),
    };
  }
  return adopted;
}

async function adoptWorkspace(
  ws: ExpectedWorkspace,
  hcp: HcpReader,
  findings: AdoptionFindings,
  overwrite: boolean,
  resolve: (variable: ExpectedVariable) => string | undefined,
  org: string,
): Promise<AdoptedWorkspace | undefined> {
  const subject = `workspace ${ws.name}`;
  const live = await hcp.workspace(ws.name);
  if (live === undefined) {
    if (ws.create) {
      countCreated(findings, "workspace");
      countCreated(findings, "variable", ws.variables.length);
    } else {
      findings.conflicts.push({
        subject,
        message: `not found in organization ${org} (or TFE_TOKEN may not read it: HCP Terraform answers 404 to both); the deploy looks it up by name and would fail`,
        todo: "create the workspace, fix its name in the config, or set create: true with its project",
        overwritable: false,
      });
    }
    return undefined;
  }
  let id: string | undefined;
  const project = live.projectId === undefined ? undefined : await hcp.project(live.projectId);
  if (!ws.create && ws.project !== undefined && project?.name !== ws.project) {
    findings.notes.push(
      `${subject} is in project ${JSON.stringify(project?.name ?? "?")}, the config says ${JSON.stringify(ws.project)}: its runs will be refused by the role's trust until one of them changes`,
    );
  }
  if (ws.create) {
    if (ws.project !== undefined && project?.name !== ws.project) {
      findings.conflicts.push({
        subject,
        message: `exists in project ${JSON.stringify(project?.name ?? "?")}; the config creates it in project ${JSON.stringify(ws.project)}, so the deploy would move it there`,
        todo: "set the entry's project to the workspace's, or adopt it anyway with --overwrite",
        overwritable: true,
      });
      if (!overwrite) return undefined;
    }
    if (liveIdForm.workspace.test(live.id)) {
      id = live.id;
      findings.adopted.push({ subject });
    }
  }
  if (readAsVariableSet(ws.name)) {
    findings.conflicts.push({
      subject,
      message:
        "its name ends like a variable set ID, so the tfe provider would import its variables from a set",
      todo: "delete its TFC_AWS_* variables by hand before the deploy, or rename the workspace",
      overwritable: false,
    });
    return id === undefined ? undefined : { id };
  }
  const variables = adoptVariables(
    subject,
    ws.variables,
    await hcp.workspaceVariables(live),
    (variableId) => importId.workspaceVariable(org, ws.name, variableId),
    resolve,
    findings,
    overwrite,
  );
  if (id === undefined && Object.keys(variables).length === 0) return undefined;
  return {
    ...(id === undefined ? {} : { id }),
    ...(Object.keys(variables).length === 0 ? {} : { variables }),
  };
}

/** Which planned variables exist, by key (environment category only), and their import IDs. */
function adoptVariables(
  owner: string,
  planned: readonly ExpectedVariable[],
  live: readonly LiveVariable[],
  idOf: (variableId: string) => string,
  resolve: (variable: ExpectedVariable) => string | undefined,
  findings: AdoptionFindings,
  overwrite: boolean,
): Record<string, string> {
  const adopted: Record<string, string> = {};
  for (const variable of planned) {
    const found = live.find((v) => v.key === variable.key && v.category === "env");
    const subject = `variable ${variable.key} of ${owner}`;
    if (found === undefined) {
      countCreated(findings, "variable");
      continue;
    }
    if (!liveIdForm.variable.test(found.id)) {
      findings.notes.push(
        `${subject} has the ID ${JSON.stringify(found.id)}, which the tfe provider cannot import; it is left out`,
      );
      continue;
    }
    const want = resolve(variable);
    if (found.sensitive) {
      findings.conflicts.push({
        subject,
        message: `is sensitive, so its value cannot be compared, and adopting it would replace it (the tfe provider replaces a variable whose sensitive flag goes from true to false), leaving runs without it for a moment`,
        todo: `make it non-sensitive in the settings (it holds no secret; the deploy writes ${JSON.stringify(want)}), then run adopt again`,
        overwritable: false,
      });
      continue;
    }
    if (found.value !== want) {
      findings.conflicts.push({
        subject,
        message: `is ${JSON.stringify(found.value)}; the deploy writes ${JSON.stringify(want)}`,
        todo: "set it to the config's value by hand, or adopt it anyway with --overwrite (the deploy then updates it in place)",
        overwritable: true,
      });
      if (!overwrite) continue;
    }
    adopted[variable.key] = idOf(found.id);
    findings.adopted.push({
      subject,
      ...(found.value === want ? {} : { change: `updated in place to ${JSON.stringify(want)}` }),
    });
  }
  return adopted;
}
