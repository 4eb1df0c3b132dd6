/**
 * The limits that keep any config, of any shape, within bounded time and memory. A config
 * arrives in pull requests: a small file can ask for enormous work (YAML aliases expand a few
 * lines into millions of values; a deep nesting overflows a recursive parser), so each of these
 * is checked before the work it would cost, and refused with the limit and the value.
 * The README's "What is rejected" lists them.
 */
import { tokenMarkerIn } from "../terraform-text";
import { quote } from "./quote";

/** The config text: one file, or the files of a config directory together. */
export const MAX_CONFIG_BYTES = 2 * 1024 * 1024;
/** Entries of a config directory (files of any kind, folders, links). */
export const MAX_DIRECTORY_ENTRIES = 20_000;
/** Values of the parsed config (each mapping, list and scalar), YAML aliases expanded. */
export const MAX_VALUES = 1_000_000;
/** How deep mappings and lists nest; a valid config needs about 10. */
export const MAX_DEPTH = 32;
/** Entries of `workspaces`, all files together. */
export const MAX_WORKSPACES = 10_000;
/** Entries of `projects`, all files together. */
export const MAX_PROJECTS = 1_000;
/** Entries of `stacks`, all files together. */
export const MAX_STACKS = 1_000;
/** Entries of `modules`, all files together. */
export const MAX_MODULES = 1_000;
/** Deployments listed by one `stacks` entry (each is a role of its own). */
export const MAX_DEPLOYMENTS = 100;
/** Accounts under `accounts`: each is a stack of its own. */
export const MAX_ACCOUNTS = 100;
/** IAM roles the config asks for (a role per workspace, phase, credential and project). */
export const MAX_ROLES = 20_000;

/** A problem found by the limits, at a path into the parsed data. */
export interface LimitProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

/** The first few problems of a kind are enough to act on. */
const MAX_REPORTED = 20;

interface Frame {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Frame | undefined;
  readonly key: string | number | undefined;
}

function pathOf(frame: Frame): Array<string | number> {
  const path: Array<string | number> = [];
  for (let at: Frame | undefined = frame; at?.key !== undefined; at = at.parent)
    path.unshift(at.key);
  return path;
}

/**
 * Walks parsed YAML data once, aliases expanded (a YAML parser hands back shared objects, so the
 * walk counts a value at every place it appears) and stopping at {@link MAX_VALUES}: the number
 * of values, the nesting depth, and text that cdktf would read as one of its own values.
 */
export function dataProblems(data: unknown): LimitProblem[] {
  const problems: LimitProblem[] = [];
  const markers: LimitProblem[] = [];
  let deepest: Frame | undefined;
  let count = 0;
  const stack: Frame[] = [{ value: data, depth: 0, parent: undefined, key: undefined }];
  const checkText = (text: string, frame: Frame, what: string) => {
    const marker = tokenMarkerIn(text);
    if (marker === undefined || markers.length >= MAX_REPORTED) return;
    markers.push({
      path: pathOf(frame),
      message: `${what} ${quote(text)} holds ${quote(marker)}, which cdktf (the library that writes the Terraform JSON) reads as a reference to one of its own values, so it cannot be written as text: remove it`,
    });
  };
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    count += 1;
    if (count > MAX_VALUES) {
      problems.push({
        path: [],
        message: `the config holds more than ${MAX_VALUES.toLocaleString("en-US")} values (mappings, lists and scalars, each YAML alias counted wherever it is used); that is the limit`,
      });
      break;
    }
    const { value, depth } = frame;
    if (typeof value === "string") {
      checkText(value, frame, "the text");
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_DEPTH) {
      deepest ??= frame;
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i], depth: depth + 1, parent: frame, key: i });
      }
    } else {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        const child: Frame = {
          value: (value as Record<string, unknown>)[key],
          depth: depth + 1,
          parent: frame,
          key,
        };
        checkText(key, child, "the key");
        stack.push(child);
      }
    }
  }
  if (deepest !== undefined) {
    problems.push({
      path: pathOf(deepest),
      message: `mappings and lists nest more than ${MAX_DEPTH} levels deep here; that is the limit (a valid config needs about 10)`,
    });
  }
  return [...problems, ...markers];
}

/** The number of entries of the config's lists and maps, against their limits. */
export function countProblems(data: Readonly<Record<string, unknown>>): LimitProblem[] {
  const problems: LimitProblem[] = [];
  const check = (key: string, count: number, limit: number, what: string, advice: string) => {
    if (count > limit) {
      problems.push({
        path: [key],
        message: `${count.toLocaleString("en-US")} ${what}; at most ${limit.toLocaleString("en-US")} are allowed: ${advice}`,
      });
    }
  };
  const { workspaces, projects, stacks, modules, accounts } = data;
  for (const [key, list, limit] of [
    ["stacks", stacks, MAX_STACKS],
    ["modules", modules, MAX_MODULES],
  ] as const) {
    if (Array.isArray(list))
      check(key, list.length, limit, key, "split them across configs (each deploys on its own)");
  }
  if (Array.isArray(workspaces))
    check(
      "workspaces",
      workspaces.length,
      MAX_WORKSPACES,
      "workspaces",
      "split them across configs (each deploys on its own)",
    );
  if (Array.isArray(projects))
    check(
      "projects",
      projects.length,
      MAX_PROJECTS,
      "projects",
      "split them across configs (each deploys on its own)",
    );
  if (accounts !== null && typeof accounts === "object" && !Array.isArray(accounts))
    check(
      "accounts",
      Object.keys(accounts).length,
      MAX_ACCOUNTS,
      "accounts",
      "split them across configs (each deploys on its own)",
    );
  return problems;
}

/** What an entry grants, as far as the role count goes. */
interface Granting {
  readonly policyArns: readonly unknown[];
  readonly inlinePolicy?: unknown;
  readonly plan?: unknown;
  readonly apply?: unknown;
}

/** The roles an entry's own grant asks for: none, one, or a plan and an apply role. */
export function rolesOfGrant(grant: Granting): number {
  if (grant.plan !== undefined || grant.apply !== undefined) return 2;
  return grant.policyArns.length > 0 || grant.inlinePolicy !== undefined ? 1 : 0;
}

/** The message for a config that asks for more than {@link MAX_ROLES} roles, if it does. */
export function roleCountProblem(count: number): string | undefined {
  if (count <= MAX_ROLES) return undefined;
  return `the config asks for ${count.toLocaleString("en-US")} IAM roles; at most ${MAX_ROLES.toLocaleString("en-US")} are allowed: split it across configs (each deploys on its own)`;
}
