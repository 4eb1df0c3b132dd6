import { z } from "zod";
import { ConfigError } from "../config/errors";

/**
 * The pins, `trust.pins.json`: the ID of each HCP Terraform object a trust was made for (the
 * organization's external ID, projects, workspaces, Stacks), committed beside the config and
 * reviewed like the layout lock. Trust policies can only name objects (`sub` holds names), and
 * names are reused: a deleted workspace's name can be created again by anyone in the
 * organization who may create workspaces, a deleted organization's name on app.terraform.io by
 * anyone. The pins let the deploy refuse a name that now belongs to another object (a
 * postcondition on each lookup), tag each role with whom it was made for, and let `doctor`
 * raise the alarm. They are written by `adopt` and `doctor --pin` from what HCP Terraform
 * answers, never from the config's own text.
 */
export const PINS_VERSION = 1;

/** IDs as HCP Terraform gives them: a prefix and letters or digits. */
export const PIN_ID = {
  organization: /^org-[A-Za-z0-9]{1,64}$/,
  project: /^prj-[A-Za-z0-9]{1,64}$/,
  workspace: /^ws-[A-Za-z0-9]{1,64}$/,
  stack: /^st-[A-Za-z0-9]{1,64}$/,
} as const;

const idOf = (kind: keyof typeof PIN_ID) =>
  z.string().regex(PIN_ID[kind], { error: `is not a ${kind} ID (${PIN_ID[kind].source})` });

/** A name as the config may give it; `__proto__` is refused (JSON.parse keeps it as a plain key). */
const name = z
  .string()
  .min(1)
  .max(256)
  .refine((key) => key !== "__proto__", { error: '"__proto__" is not a name' });

export const pinsSchema = z.strictObject({
  version: z.literal(PINS_VERSION),
  /** The organization's name and host the pins belong to: a pin file of another is refused. */
  organization: z.string().min(1).max(256),
  hostname: z.string().min(1).max(256),
  /** The organization's external ID (`org-…`), not its name. */
  organizationId: idOf("organization").optional(),
  projects: z.record(name, idOf("project")).optional(),
  workspaces: z.record(name, idOf("workspace")).optional(),
  /** By project name, then Stack name: Stack names are unique within a project. */
  stacks: z.record(name, z.record(name, idOf("stack"))).optional(),
});

export type Pins = z.output<typeof pinsSchema>;

/** An object a trust names, as pinned or not. */
export type PinnedKind = "organization" | "project" | "workspace" | "stack";

function own(record: Readonly<Record<string, string>> | undefined, key: string) {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The pinned ID of an object by its name, if any. */
export function pinnedId(
  pins: Pins | undefined,
  kind: PinnedKind,
  objectName: string,
  project?: string,
): string | undefined {
  if (pins === undefined) return undefined;
  switch (kind) {
    case "organization":
      return pins.organizationId;
    case "project":
      return own(pins.projects, objectName);
    case "workspace":
      return own(pins.workspaces, objectName);
    case "stack": {
      const inProject = pins.stacks === undefined ? undefined : own2(pins.stacks, project ?? "");
      return own(inProject, objectName);
    }
  }
}

function own2<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Refuses pins of another organization or host than the config's. */
export function checkPinsFor(
  pins: Pins | undefined,
  hcp: { readonly organization: string; readonly hostname: string },
  source = "trust.pins.json",
): void {
  if (pins === undefined) return;
  if (pins.organization !== hcp.organization || pins.hostname !== hcp.hostname) {
    throw new ConfigError(
      `${source} pins organization ${JSON.stringify(pins.organization)} on ${pins.hostname}, but the config trusts ${JSON.stringify(hcp.organization)} on ${hcp.hostname}: pin the config's organization with "npm run doctor -- --pin", or remove the file`,
    );
  }
}

/** Which objects the config trusts by name are pinned: the report lists the others. */
export interface Pinning {
  readonly pinned: number;
  /** `organization acme`, `workspace app`, `project "Apps"`, `Stack net (project "Apps")`. */
  readonly unpinned: readonly string[];
}

/** The objects a trust names, each once: what `doctor --pin` reads and the report counts. */
export interface TrustedNames {
  readonly organization: string;
  readonly projects: readonly string[];
  readonly workspaces: readonly string[];
  readonly stacks: ReadonlyArray<{ readonly project: string; readonly name: string }>;
}

/** How each trusted object is described in messages and the report. */
export function describePinned(kind: PinnedKind, objectName: string, project?: string): string {
  switch (kind) {
    case "organization":
      return `organization ${objectName}`;
    case "project":
      return `project ${JSON.stringify(objectName)}`;
    case "workspace":
      return `workspace ${objectName}`;
    case "stack":
      return `Stack ${objectName} (project ${JSON.stringify(project ?? "")})`;
  }
}

/** Which trusted names the pins cover. */
export function pinningOf(names: TrustedNames, pins: Pins | undefined): Pinning {
  const all: Array<[PinnedKind, string, string | undefined]> = [
    ["organization", names.organization, undefined],
    ...names.projects.map((p): [PinnedKind, string, undefined] => ["project", p, undefined]),
    ...names.workspaces.map((w): [PinnedKind, string, undefined] => ["workspace", w, undefined]),
    ...names.stacks.map((s): [PinnedKind, string, string] => ["stack", s.name, s.project]),
  ];
  const unpinned = all
    .filter(([kind, n, project]) => pinnedId(pins, kind, n, project) === undefined)
    .map(([kind, n, project]) => describePinned(kind, n, project));
  return { pinned: all.length - unpinned.length, unpinned };
}

/** The organization, projects, workspaces and Stacks the planned roles trust by name. */
export function trustedNames(
  organization: string,
  owners: ReadonlyArray<import("./model").Owner>,
): TrustedNames {
  const projects = new Set<string>();
  const workspaces = new Set<string>();
  const stacks = new Map<string, { project: string; name: string }>();
  for (const owner of owners) {
    if (owner.kind === "workspace") {
      workspaces.add(owner.name);
      if (owner.project !== undefined) projects.add(owner.project);
    } else if (owner.kind === "project") projects.add(owner.name);
    else if (owner.kind === "stack") {
      projects.add(owner.project);
      stacks.set(`${owner.project}\0${owner.name}`, { project: owner.project, name: owner.name });
    }
  }
  return {
    organization,
    projects: [...projects],
    workspaces: [...workspaces],
    stacks: [...stacks.values()],
  };
}
