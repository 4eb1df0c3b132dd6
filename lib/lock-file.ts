import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { companionPath } from "./companion-path";
import { ConfigError } from "./config/errors";
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

/** The lock at a path, or undefined when there is none (a first synth). Throws {@link ConfigError} when unreadable. */
export function readLock(path: string): LayoutLock | undefined {
  if (!existsSync(path)) return undefined;
  const size = statSync(path).size;
  if (size > MAX_LOCK_BYTES) {
    throw new ConfigError(
      `${path} is ${size} bytes, over the limit of ${MAX_LOCK_BYTES}: it is not a lock this app wrote`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
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

/** Writes the lock when its text changed; returns whether it did. */
export function writeLock(path: string, lock: LayoutLock): boolean {
  const text = lockText(lock);
  if (existsSync(path) && readFileSync(path, "utf8") === text) return false;
  writeFileSync(path, text);
  return true;
}
