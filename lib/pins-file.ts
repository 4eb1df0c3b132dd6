import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseDocument } from "yaml";
import { companionPath } from "./companion-path";
import { ConfigError } from "./config/errors";
import { reason, regularFileAt } from "./config/read";
import { type Pins, pinsSchema } from "./plan/pins";

/** A pins file larger than this is refused: reviewed in pull requests, but still untrusted input. */
export const MAX_PINS_BYTES = 4 * 1024 * 1024;

/**
 * Where the pins of a config live: inside a config directory (`trust.pins.json`), or beside a
 * config file, named after it (`trust.yaml` → `trust.pins.json`, `prod.yaml` → `prod.pins.json`).
 */
export function pinsPathFor(configPath: string): string {
  return companionPath(configPath, "pins");
}

/** The pins at a path, or undefined when there are none. Throws {@link ConfigError} when unusable. */
export function readPins(path: string): Pins | undefined {
  // A folder, a dangling or looping link, a pipe: refused, never read as "no pins" (which would
  // drop every pin's check without a word).
  const at = regularFileAt(path);
  if (at === "absent") return undefined;
  if ("problem" in at)
    throw new ConfigError(`pins file ${path}: ${at.problem}; the pins file is a file`);
  if (at.size > MAX_PINS_BYTES) {
    throw new ConfigError(
      `${path} is ${at.size} bytes, over the limit of ${MAX_PINS_BYTES}: it is not a pins file this app wrote`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`pins file ${path} cannot be read: ${reason(error)}`);
  }
  return parsePins(text, path);
}

/** Parses and validates pins text; `source` names it in messages. */
export function parsePins(text: string, source: string): Pins {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${source} is not valid JSON (${(error as Error).message}): restore it from version control, or write it again with "npm run doctor -- --pin"`,
    );
  }
  // JSON.parse keeps the last of two equal keys silently; a reviewer would see the first.
  const duplicates = parseDocument(text, { uniqueKeys: true }).errors.filter(
    (e) => e.code === "DUPLICATE_KEY",
  );
  if (duplicates.length > 0) {
    throw new ConfigError(
      `${source} gives a key twice (${duplicates.map((e) => `line ${e.linePos?.[0]?.line ?? "?"}`).join(", ")}): each pin may appear once; restore it from version control`,
    );
  }
  const proto = protoKeyPath(data, []);
  if (proto !== undefined) {
    throw new ConfigError(
      `${source} is not a pins file of this app at ${proto}: "__proto__" is not a name; restore it from version control`,
    );
  }
  const parsed = pinsSchema.safeParse(data);
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    const nested =
      problem !== undefined && "issues" in problem ? problem.issues[0]?.message : undefined;
    const where =
      problem === undefined
        ? ""
        : ` at ${problem.path.map(String).join(".") || "the top"}: ${nested ?? problem.message}`;
    throw new ConfigError(
      `${source} is not a pins file of this app${where}: restore it from version control, or write it again with "npm run doctor -- --pin"`,
    );
  }
  return parsed.data;
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

/** The pins as written: keys sorted, so the file changes only when a pin does. */
export function pinsText(pins: Pins): string {
  const sorted = (record: Record<string, unknown> | undefined) =>
    record === undefined
      ? undefined
      : Object.fromEntries(
          Object.keys(record)
            .sort()
            .map((key) => [key, record[key]]),
        );
  const stacks =
    pins.stacks === undefined
      ? undefined
      : Object.fromEntries(
          Object.keys(pins.stacks)
            .sort()
            .map((project) => [project, sorted(pins.stacks?.[project])]),
        );
  const ordered = {
    version: pins.version,
    organization: pins.organization,
    hostname: pins.hostname,
    organizationId: pins.organizationId,
    projects: sorted(pins.projects),
    workspaces: sorted(pins.workspaces),
    stacks,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Writes the pins (validated first) when their text changed; returns whether it did. */
export function writePins(path: string, pins: Pins): boolean {
  const checked = pinsSchema.parse(pins);
  const text = pinsText(checked);
  if (existsSync(path) && readFileSync(path, "utf8") === text) return false;
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temporary, text, "utf8");
  renameSync(temporary, path);
  return true;
}
