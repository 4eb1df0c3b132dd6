import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseDocument } from "yaml";
import { companionPath } from "./companion-path";
import { ConfigError } from "./config/errors";
import { regularFileAt } from "./config/read";
import { type DeployRecord, deployRecordSchema } from "./plan/deployed";

/** A record larger than this is refused: it is written by this app, but still untrusted input. */
export const MAX_DEPLOY_RECORD_BYTES = 16 * 1024 * 1024;

/**
 * Where the deploy record of a config lives: beside its layout lock, named like it
 * (`trust.lock.json` → `trust.deployed.json`, `prod.lock.json` → `prod.deployed.json`; inside a
 * config directory `trust.deployed.json`). `TRUST_DEPLOYED` overrides it; with `TRUST_LOCK` set,
 * it is beside that lock.
 */
export function deployRecordPathFor(
  configPath: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const override = env.TRUST_DEPLOYED?.trim();
  if (override) return override;
  const lock = env.TRUST_LOCK?.trim();
  if (lock) {
    const stem = basename(lock).replace(/(\.lock)?\.json$/i, "");
    return join(dirname(lock), `${stem}.deployed.json`);
  }
  return companionPath(configPath, "deployed");
}

/**
 * The deploy record at a path, or undefined when there is none (nothing deployed through
 * `npm run deploy` yet). Throws {@link ConfigError} when unreadable.
 */
export function readDeployRecord(path: string): DeployRecord | undefined {
  // A folder, a dangling or looping link, a pipe: refused, never read as "no record".
  const at = regularFileAt(path);
  if (at === "absent") return undefined;
  if ("problem" in at)
    throw new ConfigError(`deploy record ${path}: ${at.problem}; the record is a file`);
  if (at.size > MAX_DEPLOY_RECORD_BYTES) {
    throw new ConfigError(
      `${path} is ${at.size} bytes, over the limit of ${MAX_DEPLOY_RECORD_BYTES}: it is not a deploy record this app wrote`,
    );
  }
  let text: string;
  let data: unknown;
  try {
    text = readFileSync(path, "utf8");
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${path} is not valid JSON (${(error as Error).message}): restore it from version control`,
    );
  }
  // JSON.parse keeps the last of two equal keys silently; a reviewer would see the first, and
  // the record decides what a stack forgets.
  const duplicates = parseDocument(text, { uniqueKeys: true }).errors.filter(
    (e) => e.code === "DUPLICATE_KEY",
  );
  if (duplicates.length > 0) {
    throw new ConfigError(
      `${path} gives a key twice (${duplicates.map((e) => `line ${e.linePos?.[0]?.line ?? "?"}`).join(", ")}): restore it from version control`,
    );
  }
  const parsed = deployRecordSchema.safeParse(data);
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
      `${path} is not a deploy record of this app${where}: restore it from version control`,
    );
  }
  return parsed.data;
}

/** The record as written: stable JSON. */
export function deployRecordText(record: DeployRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** Writes the record (whole or not at all: through a file beside it, renamed over it). */
export function writeDeployRecord(path: string, record: DeployRecord): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, deployRecordText(record));
  renameSync(temporary, path);
}
