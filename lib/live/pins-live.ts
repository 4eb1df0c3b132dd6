/**
 * The pins, live: what the trusted names resolve to in HCP Terraform now (`doctor --pin` and
 * `adopt` record it), and whether that is still what was pinned (`doctor` raises the alarm).
 * Trust policies name objects, and names are reused: see `lib/plan/pins.ts`.
 */
import {
  describePinned,
  PIN_ID,
  PINS_VERSION,
  type PinnedKind,
  type Pins,
  pinnedId,
} from "../plan/pins";
import type { Finding } from "./doctor-aws";
import { type ExpectedRole, type ExpectedState, roleArnIn } from "./expected";
import type { HcpReader } from "./hcp-read";

/** One trusted name, and the ID it has now (undefined: nothing of that name). */
export interface LiveName {
  readonly kind: PinnedKind;
  readonly name: string;
  /** For a Stack: its project. */
  readonly project?: string;
  readonly id: string | undefined;
}

/**
 * What each trusted name resolves to now: the organization's external ID, each project,
 * workspace and Stack by name. Only reads; undefined `organization` when the token cannot read
 * the organization (deleted, or not readable: the API answers 404 to both).
 */
export async function readLiveNames(
  state: ExpectedState,
  hcp: HcpReader,
): Promise<LiveName[] | undefined> {
  const org = await hcp.organizationInfo();
  if (org === undefined) return undefined;
  const { trusted } = state;
  const found: LiveName[] = [
    { kind: "organization", name: trusted.organization, id: org.externalId },
  ];
  const projects = new Map(
    await Promise.all(
      trusted.projects.map(async (name) => [name, await hcp.projectByName(name)] as const),
    ),
  );
  for (const [name, project] of projects) found.push({ kind: "project", name, id: project?.id });
  const workspaces = await Promise.all(
    trusted.workspaces.map(async (name) => ({ name, live: await hcp.workspace(name) })),
  );
  for (const { name, live } of workspaces) found.push({ kind: "workspace", name, id: live?.id });
  const stacks = await Promise.all(
    trusted.stacks.map(async ({ project, name }) => {
      const inProject = projects.get(project);
      const live = inProject === undefined ? undefined : await hcp.stackByName(inProject, name);
      return { kind: "stack" as const, name, project, id: live?.id };
    }),
  );
  found.push(...stacks);
  // Only IDs of the form a pin takes: anything else is left unpinned.
  return found.map((entry) =>
    entry.id !== undefined && !PIN_ID[entry.kind].test(entry.id)
      ? { ...entry, id: undefined }
      : entry,
  );
}

/** What recording the live IDs changes. */
export interface PinChange {
  readonly subject: string;
  readonly id: string;
  /** The pin it replaces, if another. */
  readonly was?: string;
}

/**
 * The pins after recording what is live: each name found gets its live ID; a name not found
 * keeps its old pin (so the deploy still refuses whoever creates it). With `replace` false
 * (`adopt`), a pin that differs is kept and reported as a conflict instead.
 */
export function recordPins(
  state: ExpectedState,
  previous: Pins | undefined,
  live: readonly LiveName[],
  replace: boolean,
): { pins: Pins; pinned: PinChange[]; conflicts: PinChange[]; missing: string[] } {
  const keep =
    previous?.organization === state.organization && previous.hostname === state.hostname;
  const old = keep ? previous : undefined;
  const projects: Record<string, string> = {};
  const workspaces: Record<string, string> = {};
  const stacks: Record<string, Record<string, string>> = {};
  let organizationId: string | undefined;
  const pinned: PinChange[] = [];
  const conflicts: PinChange[] = [];
  const missing: string[] = [];
  for (const entry of live) {
    const subject = describePinned(entry.kind, entry.name, entry.project);
    const before = pinnedId(old, entry.kind, entry.name, entry.project);
    let id = entry.id ?? before;
    if (entry.id === undefined) missing.push(subject);
    else if (before !== undefined && before !== entry.id) {
      if (replace) pinned.push({ subject, id: entry.id, was: before });
      else {
        conflicts.push({ subject, id: entry.id, was: before });
        id = before;
      }
    } else if (before === undefined) pinned.push({ subject, id: entry.id });
    if (id === undefined) continue;
    if (entry.kind === "organization") organizationId = id;
    else if (entry.kind === "project") projects[entry.name] = id;
    else if (entry.kind === "workspace") workspaces[entry.name] = id;
    else {
      const project = entry.project ?? "";
      stacks[project] = { ...stacks[project], [entry.name]: id };
    }
  }
  const nonEmpty = <T extends object>(key: string, record: T) =>
    Object.keys(record).length === 0 ? {} : { [key]: record };
  return {
    pins: {
      version: PINS_VERSION,
      organization: state.organization,
      hostname: state.hostname,
      ...(organizationId === undefined ? {} : { organizationId }),
      ...nonEmpty("projects", projects),
      ...nonEmpty("workspaces", workspaces),
      ...nonEmpty("stacks", stacks),
    },
    pinned,
    conflicts,
    missing,
  };
}

/** Whether a role trusts the named object (by name, as its `sub` does). */
function trusts(role: ExpectedRole, kind: PinnedKind, name: string, project?: string): boolean {
  const { owner } = role;
  switch (kind) {
    case "organization":
      return true;
    case "project":
      return (
        (owner.kind === "project" && owner.project === name) ||
        (owner.kind === "workspace" && owner.project === name) ||
        (owner.kind === "stack" && owner.project === name)
      );
    case "workspace":
      return owner.kind === "workspace" && owner.workspace === name;
    case "stack":
      return owner.kind === "stack" && owner.stack === name && owner.project === project;
  }
}

/**
 * The alarm: each pinned name that resolves to another ID now ("reclaimed": someone else's runs
 * can assume the roles that trust it) or to nothing ("reclaimable": whoever creates it gets
 * them), with the roles' ARNs. `live` undefined: the organization itself is gone from the
 * token's view.
 */
export function pinFindings(
  state: ExpectedState,
  pins: Pins,
  live: readonly LiveName[] | undefined,
  accountIds: ReadonlyMap<string, string>,
): Finding[] {
  const arnsOf = (kind: PinnedKind, name: string, project?: string) =>
    state.roles
      .filter((role) => trusts(role, kind, name, project))
      .map((role) => {
        const account = state.accounts.find((a) => a.name === role.account);
        const accountId = accountIds.get(role.account) ?? account?.accountId;
        return account === undefined || accountId === undefined
          ? `${role.name} (account ${role.account})`
          : roleArnIn(account, role, accountId);
      });
  const roleList = (arns: string[]) =>
    arns.length === 0
      ? "no role yet"
      : arns.length === 1
        ? `role ${arns[0]}`
        : `roles ${arns.join(", ")}`;
  const rePin =
    'if the new one is yours (confirm who created it, and when, in the audit trail), re-pin with "npm run doctor -- --pin"; if not, remove or rename the entry in the config and deploy, so no role trusts the name';
  const findings: Finding[] = [];
  const pinnedOrg = pins.organizationId;
  if (live === undefined) {
    if (pinnedOrg === undefined) return findings;
    const arns = arnsOf("organization", state.organization);
    const anyone = state.hostname === "app.terraform.io";
    findings.push({
      severity: anyone ? "error" : "warning",
      code: "organization-reclaimable",
      subject: describePinned("organization", state.organization),
      threat: "reclaimable",
      roleArns: arns,
      message: `pinned as ${pinnedOrg}, is not found (deleted, or TFE_TOKEN lost access to it: HCP Terraform answers 404 to both); ${roleList(arns)} still trust${arns.length === 1 ? "s" : ""} its name: ${anyone ? "on app.terraform.io anyone can register it, and their runs can then assume them" : "whoever may create organizations on this host and registers it can assume them"}`,
      todo: 'check that the organization still exists and the token belongs to it; if it was deleted, remove its roles (destroy the stacks) or register the name again for yourself, then re-pin with "npm run doctor -- --pin"',
    });
    return findings;
  }
  for (const entry of live) {
    const pinned = pinnedId(pins, entry.kind, entry.name, entry.project);
    if (pinned === undefined || pinned === entry.id) continue;
    const subject = describePinned(entry.kind, entry.name, entry.project);
    const arns = arnsOf(entry.kind, entry.name, entry.project);
    const what = entry.kind === "stack" ? "Stack" : entry.kind;
    if (entry.id === undefined) {
      findings.push({
        severity: "error",
        code: `${entry.kind}-reclaimable`,
        subject,
        threat: "reclaimable",
        roleArns: arns,
        message: `pinned as ${pinned}, does not exist any more (deleted, or renamed); ${roleList(arns)} still trust${arns.length === 1 ? "s" : ""} its name: whoever creates a ${what} of that name can assume ${arns.length === 1 ? "it" : "them"}`,
        todo: `rename the ${what} back, or remove or change its entry in the config and deploy; until then, watch for a new ${what} of that name`,
      });
    } else {
      findings.push({
        severity: "error",
        code: `${entry.kind}-reclaimed`,
        subject,
        threat: "reclaimed",
        roleArns: arns,
        message: `is ${entry.id} now, not ${pinned} as pinned: it was deleted and created again, or renamed and its name reused; its runs can assume ${roleList(arns)} now, and the next deploy fails on the pin`,
        todo: rePin,
      });
    }
  }
  return findings;
}
