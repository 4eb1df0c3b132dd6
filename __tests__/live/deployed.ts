import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/load";
import {
  type ExpectedState,
  expectedState,
  providerArn,
  resolveValue,
  trustPolicy,
} from "../../lib/live/expected";
import type { World } from "./world";

/**
 * Fills the fakes with what a deploy of the config leaves behind: providers, roles (trust,
 * policies, the app's tags), workspaces with their variables, project variable sets.
 */
export function deploy(world: World, config: Record<string, unknown>): ExpectedState {
  const state = expectedState(parseConfig(stringify(config)));
  const ids = new Map(state.accounts.map((a) => [a.name, a.accountId ?? ""]));
  for (const account of state.accounts) {
    const id = account.accountId ?? "";
    if (account.reusedProviderArn === undefined)
      world.aws.provider(id, account.host, [account.audience]);
    for (const role of state.roles.filter((r) => r.account === account.name)) {
      world.aws.role(id, {
        name: role.name,
        path: role.path,
        trust: trustPolicy(state, role, providerArn(account, id)),
        attached: [...role.policyArns],
        inline:
          role.inlinePolicy === undefined
            ? {}
            : { [role.inlinePolicy.name]: role.inlinePolicy.document },
        description: "Assumed by HCP Terraform runs. Managed by hcp-aws-trust.",
        tags: {
          ManagedBy: "hcp-aws-trust",
          HcpOrganization: state.organization,
          ...(role.owner.kind === "workspace" ? { HcpWorkspace: role.owner.workspace } : {}),
          ...("project" in role.owner && role.owner.project !== undefined
            ? { HcpProject: role.owner.project }
            : {}),
        },
      });
    }
  }
  state.hyok.forEach((h, index) => {
    world.hcp.hyok(
      h.name,
      {
        kekId: h.kekId,
        keyRegion: h.keyRegion,
        roleArn: resolveValue(state, { roleOf: h.role }, ids) ?? "",
        agentPool: h.agentPool,
      },
      // The first one is the organization's primary, as an operator promotes it.
      { primary: index === 0 },
    );
  });
  for (const ws of state.workspaces) {
    const live = world.hcp.workspace(ws.name, ws.project ?? "Default Project");
    for (const v of ws.variables)
      live.vars.push(world.hcp.variable(v.key, resolveValue(state, v.value, ids) ?? ""));
  }
  for (const set of state.variableSets) {
    const project = world.hcp.project(set.project);
    const live = world.hcp.varset(set.name, { projectIds: [project.id] });
    for (const v of set.variables)
      live.vars.push(world.hcp.variable(v.key, resolveValue(state, v.value, ids) ?? ""));
  }
  return state;
}
