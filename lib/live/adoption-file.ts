import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { companionPath } from "../companion-path";
import { reason, regularFileAt } from "../config/read";
import { type Adoption, adoptionSchema } from "./adoption-format";

/** The adoption file's name inside a config directory, and beside `trust.yaml` (`NAME.imports.json` beside `NAME.yaml`). */
export const ADOPTION_FILE = "trust.imports.json";

/**
 * The largest adoption file read. A config of 5,000 workspaces, each with its role and three
 * variables adopted, makes about 2 MB; anything far larger is not an adoption file.
 */
export const MAX_ADOPTION_BYTES = 8 * 1024 * 1024;

/** An adoption file that cannot be used; the message names the file, the entry and the problem. */
export class AdoptionFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AdoptionFileError";
  }
}

/** Where the adoption file of a config lives: beside a config file, inside a config directory. */
export function adoptionPathFor(configPath: string): string {
  return companionPath(configPath, "imports");
}

/**
 * Reads and validates an adoption file. Throws {@link AdoptionFileError} naming every problem:
 * a missing or oversized file, invalid JSON, a key given twice, an unknown key, a malformed key
 * or import ID, an ID that does not match the entry it is filed under.
 */
export function readAdoption(path: string): Adoption {
  const at = regularFileAt(path);
  if (at === "absent") throw new AdoptionFileError(`adoption file ${path} not found`);
  if ("problem" in at) {
    throw new AdoptionFileError(
      `adoption file ${path}: ${at.problem}; the adoption file is a file (npm run adopt writes it)`,
    );
  }
  if (at.size > MAX_ADOPTION_BYTES) {
    throw new AdoptionFileError(
      `adoption file ${path} is ${at.size} bytes; at most ${MAX_ADOPTION_BYTES} bytes are read`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new AdoptionFileError(`cannot read the adoption file ${path}: ${reason(error)}`);
  }
  return parseAdoption(text, path);
}

/** Parses and validates adoption file text; `source` names it in messages. */
export function parseAdoption(text: string, source = ADOPTION_FILE): Adoption {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new AdoptionFileError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  // JSON.parse keeps the last of two equal keys silently; a reviewer would see the first.
  const duplicates = parseDocument(text, { uniqueKeys: true }).errors.filter(
    (e) => e.code === "DUPLICATE_KEY",
  );
  if (duplicates.length > 0) {
    throw new AdoptionFileError(
      `${source} gives a key twice (${duplicates.map((e) => `line ${e.linePos?.[0]?.line ?? "?"}`).join(", ")}); each entry may appear once`,
    );
  }
  const proto = protoKeyPath(data, []);
  if (proto !== undefined) {
    throw new AdoptionFileError(
      `Invalid adoption file ${source}:\n  - ${proto}: "__proto__" is not a valid key`,
    );
  }
  const result = adoptionSchema.safeParse(data);
  if (!result.success) throw new AdoptionFileError(describeIssues(source, result.error.issues));
  return result.data as Adoption;
}

/** Where a `__proto__` key is (JSON.parse keeps it as a plain key, which schemas then skip). */
function protoKeyPath(value: unknown, path: string[]): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  for (const key of Object.keys(value)) {
    if (key === "__proto__") return [...path, key].join(".");
    const inner = protoKeyPath((value as Record<string, unknown>)[key], [...path, key]);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

function describeIssues(source: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    const message =
      issue.code === "unrecognized_keys"
        ? `unknown key${issue.keys.length === 1 ? "" : "s"} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`
        : issue.code === "invalid_key"
          ? (issue.issues[0]?.message ?? issue.message)
          : issue.message;
    return `  - ${path === "" ? "(top level)" : path}: ${message}`;
  });
  const heading =
    lines.length === 1
      ? `Invalid adoption file ${source}:`
      : `Invalid adoption file ${source} (${lines.length} problems):`;
  return [heading, ...lines].join("\n");
}

/**
 * Writes an adoption file: validated first (a file this app writes is one it reads), keys sorted
 * so that reruns give the same bytes and diffs in review show only what changed, written to a
 * temporary file and renamed so that a reader never sees half a file.
 */
export function writeAdoption(path: string, adoption: Adoption): void {
  const result = adoptionSchema.safeParse(adoption);
  if (!result.success) throw new AdoptionFileError(describeIssues(path, result.error.issues));
  const { version, organization, hostname, ...entries } = adoption;
  const text = `${JSON.stringify({ version, organization, hostname, ...(sortKeys(entries) as object) }, null, 2)}\n`;
  const temporary = join(dirname(path), `.${ADOPTION_FILE}.${process.pid}.tmp`);
  writeFileSync(temporary, text, "utf8");
  renameSync(temporary, path);
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

/**
 * Throws {@link AdoptionFileError} unless an adoption file is for this organization and host, so
 * that one account's entries may be merged into it.
 */
export function checkMergeable(
  existing: Adoption,
  organization: string,
  hostname: string,
  source = ADOPTION_FILE,
): void {
  if (existing.organization !== organization || existing.hostname !== hostname) {
    throw new AdoptionFileError(
      `${source} is for organization ${existing.organization} at ${existing.hostname}, the config for ${organization} at ${hostname}: run adopt without --account to write it anew`,
    );
  }
}

/** The entries one account's run of `adopt` owns: its `accounts` entry, and these workspaces and sets. */
export interface AccountEntries {
  readonly account: string;
  /** The workspaces and variable sets whose variables that account's stacks write. */
  readonly workspaces: ReadonlySet<string>;
  readonly variableSets: ReadonlySet<string>;
  /** The HYOK configurations whose roles are in that account. */
  readonly hyokConfigurations?: ReadonlySet<string>;
}

/**
 * The adoption file after adopting one account (`adopt --account`): what that run found, `fresh`,
 * replaces the entries the account owns in `existing`, and every other entry is kept as it was.
 * Throws {@link AdoptionFileError} when the two are for another organization or host: merged,
 * the file would hold entries of both.
 */
export function mergeAdoption(
  existing: Adoption,
  fresh: Adoption,
  owned: AccountEntries,
  source = ADOPTION_FILE,
): Adoption {
  checkMergeable(existing, fresh.organization, fresh.hostname, source);
  const keep = <T>(
    record: Readonly<Record<string, T>> | undefined,
    own: (key: string) => boolean,
    added: Readonly<Record<string, T>> | undefined,
  ): Record<string, T> | undefined => {
    const merged: Record<string, T> = {
      ...Object.fromEntries(Object.entries(record ?? {}).filter(([key]) => !own(key))),
      ...added,
    };
    return Object.keys(merged).length === 0 ? undefined : merged;
  };
  const accounts = keep(existing.accounts, (a) => a === owned.account, fresh.accounts);
  const workspaces = keep(existing.workspaces, (w) => owned.workspaces.has(w), fresh.workspaces);
  const variableSets = keep(
    existing.variableSets,
    (set) => owned.variableSets.has(set),
    fresh.variableSets,
  );
  const hyokConfigurations = keep(
    existing.hyokConfigurations,
    (name) => owned.hyokConfigurations?.has(name) === true,
    fresh.hyokConfigurations,
  );
  return {
    version: fresh.version,
    organization: fresh.organization,
    hostname: fresh.hostname,
    ...(accounts === undefined ? {} : { accounts }),
    ...(workspaces === undefined ? {} : { workspaces }),
    ...(variableSets === undefined ? {} : { variableSets }),
    ...(hyokConfigurations === undefined ? {} : { hyokConfigurations }),
  };
}
