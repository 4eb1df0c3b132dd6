import { readFileSync, writeFileSync } from "node:fs";
import { companionPath } from "./companion-path";
import { ConfigError } from "./config/errors";
import { type FileAt, reason, regularFileAt } from "./config/read";
import { type LayoutLock, lockSchema } from "./plan/lock";

/** A lock larger than this is refused: it is reviewed in pull requests, but still untrusted input. */
export const MAX_LOCK_BYTES = 16 * 1024 * 1024;

/**
 * Where the layout lock of a config lives: inside a config directory (`trust.lock.json`), or
 * beside a config file, named after it (`trust.yaml` → `trust.lock.json`, `prod.yaml` →
 * `prod.lock.json`), so configs that share a folder never share a lock. `TRUST_LOCK` overrides it.
 */
export function lockPathFor(configPath: string, env: NodeJS.ProcessEnv = process.env): string {
  return lockOverride(env) ?? companionPath(configPath, "lock");
}

/** The lock's path when `TRUST_LOCK` names one: then it is there whichever config is read. */
export function lockOverride(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.TRUST_LOCK?.trim() || undefined;
}

/**
 * The lock at a path, or undefined when there is none (a first synth).
 * @throws ConfigError when it is not a file (a folder, a link that leads nowhere or into a loop,
 *   a pipe), cannot be read, is too large, or is not a lock of this app
 */
export function readLock(path: string): LayoutLock | undefined {
  const at = lockFileAt(path);
  if (at === "absent") return undefined;
  if (at.size > MAX_LOCK_BYTES) {
    throw new ConfigError(
      `${path} is ${at.size} bytes, over the limit of ${MAX_LOCK_BYTES}: it is not a lock this app wrote`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read the layout lock ${path}: ${reason(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${path} is not valid JSON (${(error as Error).message}): restore it from version control`,
    );
  }
  const parsed = lockSchema.safeParse(data);
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    // A record's bad key carries its own reason one level down.
    const nested =
      problem !== undefined && "issues" in problem ? problem.issues[0]?.message : undefined;
    const where =
      problem === undefined
        ? ""
        : ` at ${problem.path.join(".") || "the top"}: ${nested ?? problem.message}`;
    throw new ConfigError(
      `${path} is not a layout lock of this app${where}: restore it from version control`,
    );
  }
  return parsed.data;
}

/** The lock as written: stable JSON, so it changes only when the layout does. */
export function lockText(lock: LayoutLock): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}

/**
 * Writes the lock when its text changed; returns whether it did.
 * @throws ConfigError when its path is not a file or cannot be written
 */
export function writeLock(path: string, lock: LayoutLock): boolean {
  const text = lockText(lock);
  const at = lockFileAt(path);
  try {
    if (at !== "absent" && readFileSync(path, "utf8") === text) return false;
    writeFileSync(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `cannot write the layout lock ${path}: ${code === "ENOENT" ? "its folder does not exist" : reason(error)}`,
    );
  }
  return true;
}

/** What is at the lock's path; anything but a file or nothing is refused, naming it. */
function lockFileAt(path: string): Exclude<FileAt, { problem: string }> {
  const at = regularFileAt(path);
  if (at !== "absent" && "problem" in at) {
    throw new ConfigError(
      `layout lock ${path}: ${at.problem}; the lock is a file: restore it from version control`,
    );
  }
  return at;
}
