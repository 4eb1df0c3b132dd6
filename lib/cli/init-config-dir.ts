import {
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { COMPANION_KINDS, companionFileName, companionPath } from "../companion-path";
import { ConfigError } from "../config/errors";
import { quote } from "../config/quote";
import { readConfigPath } from "../config/read";
import { lockOverride } from "../lock-file";

/** The file a config directory's shared part goes to. */
export const SHARED_FILE = "00-shared.yaml";

const SCHEMA_COMMENT = /^(#\s*yaml-language-server:\s*\$schema=)(\S+)/m;

/** One file {@link initConfigDirectory} moved: where it was, where it is now. */
export interface MovedFile {
  readonly from: string;
  readonly to: string;
}

/**
 * Turns a config file into a config directory: `DIR/00-shared.yaml` gets the file's text, with
 * its `$schema` reference rewritten to point at the same schema file from the new place, and the
 * file is removed (the synth reads `trust.d` when there is no `trust.yaml`). The files that
 * belong to the config move with it: its layout lock (`NAME.lock.json`, unless `TRUST_LOCK`
 * names the lock's place) and its adoption file (`NAME.imports.json`) become `DIR/trust.lock.json`
 * and `DIR/trust.imports.json`, so the next synth is not a first synth.
 * @returns the files moved, the config file first
 * @throws ConfigError if the file is missing or not a file, the directory holds files already,
 *   or a file cannot be moved (nothing is moved then)
 */
export function initConfigDirectory(
  from: string,
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): MovedFile[] {
  const { files } = readConfigPath(from);
  const file =
    files.length === 1 && resolve(files[0]?.source ?? "") === resolve(from) ? files[0] : undefined;
  if (file === undefined) {
    throw new ConfigError(
      `${quote(from)} is a directory already; --init turns a config file into one`,
    );
  }
  const companions = COMPANION_KINDS.filter(
    (kind) => !(kind === "lock" && lockOverride(env) !== undefined),
  )
    .map((kind) => ({ from: companionPath(from, kind), to: join(dir, companionFileName(kind)) }))
    .filter((move) => existsSync(move.from));
  for (const move of companions) {
    if (existsSync(move.to)) {
      throw new ConfigError(
        `${quote(move.to)} exists already; --init would replace it with ${quote(move.from)}: remove the one that is out of date, or choose another folder`,
      );
    }
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new ConfigError(
      `${quote(dir)} exists and is not empty; --init writes into a new or empty folder`,
    );
  }
  const target = join(dir, SHARED_FILE);
  const text = file.text.replace(SCHEMA_COMMENT, (_, head: string, ref: string) => {
    if (/^[a-z]+:\/\//i.test(ref) || isAbsolute(ref)) return `${head}${ref}`;
    const schema = resolve(dirname(from), ref);
    return `${head}${relative(resolve(dir), schema).split("\\").join("/")}`;
  });
  const moved: MovedFile[] = [{ from, to: target }, ...companions];
  const written: string[] = [];
  try {
    mkdirSync(dir, { recursive: true });
    // Copied first and removed last: a failure on the way leaves the config where it was.
    for (const move of companions) {
      copyFileSync(move.from, move.to, constants.COPYFILE_EXCL);
      written.push(move.to);
    }
    writeFileSync(`${target}.tmp`, text, { flag: "wx" });
    written.push(`${target}.tmp`);
    renameSync(`${target}.tmp`, target);
    written.push(target);
  } catch (error) {
    for (const path of written) rmSync(path, { force: true });
    throw new ConfigError(
      `cannot move ${quote(from)} into ${quote(dir)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} at ${quote((error as NodeJS.ErrnoException).path ?? dir)}; nothing was moved`,
    );
  }
  for (const move of moved) rmSync(move.from, { force: true });
  return moved;
}
