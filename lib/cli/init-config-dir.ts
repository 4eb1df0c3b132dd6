import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { ConfigError } from "../config/errors";
import { quote } from "../config/quote";
import { readConfigPath } from "../config/read";

/** The file a config directory's shared part goes to. */
export const SHARED_FILE = "00-shared.yaml";

const SCHEMA_COMMENT = /^(#\s*yaml-language-server:\s*\$schema=)(\S+)/m;

/**
 * Turns a config file into a config directory: `DIR/00-shared.yaml` gets the file's text, with
 * its `$schema` reference rewritten to point at the same schema file from the new place, and the
 * file is removed (the synth reads `trust.d` when there is no `trust.yaml`).
 * @returns the path of the file written
 * @throws ConfigError if the file is missing or not a file, or the directory holds files already
 */
export function initConfigDirectory(from: string, dir: string): string {
  const { files } = readConfigPath(from);
  const file =
    files.length === 1 && resolve(files[0]?.source ?? "") === resolve(from) ? files[0] : undefined;
  if (file === undefined) {
    throw new ConfigError(
      `${quote(from)} is a directory already; --init turns a config file into one`,
    );
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
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${target}.tmp`, text);
  renameSync(`${target}.tmp`, target);
  rmSync(from);
  return target;
}
