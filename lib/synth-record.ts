import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ConfigError } from "./config/errors";
import { type ConfigFile, readConfigPath } from "./config/read";
import { PRODUCT } from "./product";

/**
 * What a synth was made from, written beside its stacks: the config (path and a hash of its
 * content), when, whether it succeeded, and the safety rules' warnings and what the config
 * acknowledged. `report` and `explain`
 * read it to name their source, to say when the config changed since, and to refuse the output
 * of a failed synth.
 */
export interface SynthRecord {
  readonly product: typeof PRODUCT;
  readonly status: "ok" | "failed";
  /** The config as named (`TRUST_CONFIG`, or `trust.yaml`). */
  readonly config: string;
  /** The same, absolute, so a later run from another folder finds it. */
  readonly configPath: string;
  /** SHA-256 of the config's content; undefined when it could not be read. */
  readonly configSha256?: string;
  /** ISO 8601, UTC. */
  readonly synthesizedAt: string;
  /** The safety rules' warnings, as printed. */
  readonly warnings: readonly string[];
  /**
   * The safety rules' findings the config acknowledged (for the report, not printed).
   * @default - none (a record of an older synth has no such field)
   */
  readonly acknowledged?: readonly string[];
  /** Why a failed synth failed, as printed. */
  readonly error?: string;
}

/** The record's file name inside the output folder. */
export const RECORD_FILE = `${PRODUCT}.synth.json`;

/**
 * A hash of a config's content: exactly the files the synth reads (`readConfigPath`), each by its
 * path relative to a config directory; an entry the synth skips or refuses never reaches it.
 * Undefined when the config cannot be read, as the synth then refuses it.
 */
export function configFingerprint(path: string): string | undefined {
  let files: ConfigFile[];
  try {
    ({ files } = readConfigPath(path));
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
  const hash = createHash("sha256");
  const [only] = files;
  if (files.length === 1 && only !== undefined && resolve(only.source) === resolve(path))
    return hash.update(only.text).digest("hex");
  for (const file of files)
    hash
      .update(`${relative(path, file.source).split("\\").join("/")}\0`)
      .update(file.text)
      .update("\0");
  return hash.digest("hex");
}

/** A record for a synth of `config` now. */
export function newRecord(
  config: string,
  fields: Pick<SynthRecord, "status" | "warnings" | "acknowledged"> & { error?: string },
  now: Date = new Date(),
): SynthRecord {
  const fingerprint = configFingerprint(config);
  return {
    product: PRODUCT,
    status: fields.status,
    config,
    configPath: resolve(config),
    ...(fingerprint === undefined ? {} : { configSha256: fingerprint }),
    synthesizedAt: now.toISOString(),
    warnings: fields.warnings,
    ...(fields.acknowledged === undefined || fields.acknowledged.length === 0
      ? {}
      : { acknowledged: fields.acknowledged }),
    ...(fields.error === undefined ? {} : { error: fields.error }),
  };
}

export function writeSynthRecord(outdir: string, record: SynthRecord): void {
  writeFileSync(join(outdir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/** The record of the synth in `outdir`; undefined when there is none (or it is unreadable). */
export function readSynthRecord(outdir: string): SynthRecord | undefined {
  const path = join(outdir, RECORD_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const record = JSON.parse(readFileSync(path, "utf8")) as SynthRecord;
    return record.product === PRODUCT ? record : undefined;
  } catch {
    return undefined;
  }
}

/** How far the output in a folder can be trusted. */
export interface Provenance {
  readonly record?: SynthRecord;
  /** One line naming the config and the time: `made from trust.yaml at 2026-...`. */
  readonly source: string;
  /** Set when the config changed (or vanished) since the synth: what to do. */
  readonly stale?: string;
  /** Set when the last synth failed: its output must not be used. */
  readonly failed?: string;
}

/** Reads the record of `outdir` and compares it with the config as it is now. */
export function provenanceOf(outdir: string): Provenance {
  const record = readSynthRecord(outdir);
  if (record === undefined) {
    return {
      source: `${outdir} has no ${RECORD_FILE}: which config it was made from, and when, is unknown (run "npx cdktf synth" to know)`,
    };
  }
  const shown = shownPath(record);
  const source = `made from ${shown} at ${readableTime(record.synthesizedAt)}`;
  if (record.status === "failed") {
    return {
      record,
      source,
      failed: `the last synth, of ${shown} at ${readableTime(record.synthesizedAt)}, failed, so ${outdir} holds no usable stacks: fix the config and run "npx cdktf synth" again`,
    };
  }
  const now = configFingerprint(record.configPath);
  if (now === record.configSha256) return { record, source };
  const what =
    now !== undefined
      ? "changed since"
      : existsSync(record.configPath)
        ? "cannot be read as a config since"
        : "was removed since";
  return {
    record,
    source,
    stale: `the config ${shown} ${what} this synth (${readableTime(record.synthesizedAt)}): what follows describes the config as it was then; run "npx cdktf synth" again`,
  };
}

/** The config's path from here when it is below here, else absolute: right wherever this runs. */
function shownPath(record: SynthRecord): string {
  const here = relative(process.cwd(), record.configPath);
  return here === "" || here.startsWith("..") ? record.configPath : here;
}

/** `2026-11-23 09:05 UTC` */
export function readableTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
