/**
 * Reads config files from disk: a file, or a config directory. The one place that decides, for
 * every kind of directory entry, whether it is read, skipped with a note, or refused with a
 * message naming it. Used by the synth and by `add-workspace`; never throws anything but
 * {@link ConfigError}.
 *
 * | entry | decision |
 * |---|---|
 * | file `*.yaml` / `*.yml` (any case), or a link to such a file | read |
 * | hidden entry (name starts with `.`: `.git`, `.gitkeep`, an editor's `.#x.yaml` lock link) | skipped, with a note |
 * | file of another extension (`README.md`, `x.yaml.bak`) | skipped, with a note |
 * | the layout lock and adoption file (`trust.lock.json`, `trust.imports.json`) | skipped silently; their readers refuse anything but a file ({@link regularFileAt}) |
 * | folder, or a link to a folder (the parent folder too): never followed | skipped, with a note |
 * | link that leads nowhere or into a loop, not named `*.yaml` | skipped, with a note |
 * | `*.yaml` that is a folder, a link that leads nowhere or into a loop, a pipe, a socket or a device | refused |
 * | `*.yaml` that cannot be read, or is not UTF-8 (UTF-16 is named as such) | refused |
 * | name with control or invisible characters (messages could not show it): `*.yaml` | refused |
 */
import {
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  type Stats,
  statSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { COMPANION_KINDS, companionFileName } from "../companion-path";
import { ConfigError } from "./errors";
import { MAX_CONFIG_BYTES, MAX_DIRECTORY_ENTRIES } from "./limits";
import { hasHiddenCharacters, quote } from "./quote";

/** The text of one config file, and the name messages give it. */
export interface ConfigFile {
  readonly source: string;
  readonly text: string;
}

/** What was read, and a note per entry of a config directory that was skipped. */
export interface ConfigFiles {
  readonly files: ConfigFile[];
  /** `README.md (not a .yaml or .yml file)`: one per skipped entry, in name order. */
  readonly skipped: string[];
}

const CONFIG_EXTENSION = /\.ya?ml$/i;

/** Whether a file name is one a config directory reads. */
export function isConfigFileName(name: string): boolean {
  return CONFIG_EXTENSION.test(name) && !name.startsWith(".");
}

/**
 * Reads a config path: a YAML file, or a directory whose config files are read in name order.
 * @throws ConfigError naming the path, with the absolute path when it does not exist
 */
export function readConfigPath(path: string): ConfigFiles {
  const stats = statOf(path);
  if (stats === "missing") {
    throw new ConfigError(
      `config file ${quote(path)} not found (looked for ${quote(resolve(path))}): create it (see trust.yaml in the repository for an example) or point TRUST_CONFIG at a YAML file or a directory of them`,
    );
  }
  if (stats === "loop") throw new ConfigError(`${quote(path)} is a link that leads back to itself`);
  if (stats.isDirectory()) return readConfigDirectory(path);
  if (!stats.isFile()) {
    throw new ConfigError(`${quote(path)} is not a regular file (a pipe, socket or device)`);
  }
  checkSize([{ source: path, size: stats.size }]);
  return { files: [{ source: path, text: readText(path) }], skipped: [] };
}

/**
 * Reads the config files of a directory, in name order (see the module comment for what is read).
 * @throws ConfigError listing every entry that is refused, or if none is read
 */
export function readConfigDirectory(dir: string): ConfigFiles {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (error) {
    throw new ConfigError(`cannot list the config directory ${quote(dir)}: ${reason(error)}`);
  }
  if (names.length > MAX_DIRECTORY_ENTRIES) {
    throw new ConfigError(
      `the config directory ${quote(dir)} has ${names.length.toLocaleString("en-US")} entries; at most ${MAX_DIRECTORY_ENTRIES.toLocaleString("en-US")} are allowed`,
    );
  }
  const toRead: Array<{ source: string; size: number }> = [];
  const skipped: string[] = [];
  const refused: string[] = [];
  for (const name of names) {
    const source = join(dir, name);
    // The layout lock and the adoption file belong to the config: expected here, never a note.
    if (COMPANION_FILES.has(name)) continue;
    const decision = decide(source, name);
    if (decision.kind === "read") toRead.push({ source, size: decision.size });
    else if (decision.kind === "skip") skipped.push(`${quote(name)} (${decision.why})`);
    else
      refused.push(
        `${hasHiddenCharacters(name) ? join(dir, quote(name)) : source}: ${decision.why}`,
      );
  }
  if (refused.length > 0) {
    throw new ConfigError(
      [
        `Invalid config directory ${dir} (${refused.length === 1 ? "1 entry" : `${refused.length} entries`} cannot be read as config):`,
        ...refused.map((line) => `  - ${line}`),
      ].join("\n"),
      refused,
    );
  }
  if (toRead.length === 0) {
    throw new ConfigError(
      `the config directory ${quote(dir)} holds no *.yaml files${skipped.length > 0 ? ` (skipped: ${skipped.join(", ")})` : ""}`,
    );
  }
  checkSize(toRead);
  return { files: toRead.map(({ source }) => ({ source, text: readText(source) })), skipped };
}

/** Files the app keeps inside a config directory beside its YAML (see `companion-path.ts`). */
const COMPANION_FILES: ReadonlySet<string> = new Set(COMPANION_KINDS.map(companionFileName));

type Decision =
  | { readonly kind: "read"; readonly size: number }
  | { readonly kind: "skip" | "refuse"; readonly why: string };

function decide(path: string, name: string): Decision {
  const yaml = CONFIG_EXTENSION.test(name);
  if (hasHiddenCharacters(name)) {
    // Messages print file names as they are: a name that would not print as itself is not read.
    const why = "its name holds control or invisible characters: rename it";
    return yaml ? { kind: "refuse", why } : { kind: "skip", why };
  }
  if (name.startsWith(".")) {
    return { kind: "skip", why: yaml ? "hidden; remove the leading dot to read it" : "hidden" };
  }
  let own: Stats;
  try {
    own = lstatSync(path);
  } catch (error) {
    return { kind: yaml ? "refuse" : "skip", why: `cannot be read: ${reason(error)}` };
  }
  const link = own.isSymbolicLink();
  const target = link ? statOf(path) : own;
  if (target === "missing" || target === "loop") {
    const why =
      target === "missing"
        ? `a link to ${quote(linkTarget(path))}, which does not exist`
        : "a link that leads back to itself (a loop)";
    return yaml
      ? { kind: "refuse", why: `${why}: remove it or fix the link` }
      : { kind: "skip", why };
  }
  if (target.isDirectory()) {
    const what = link ? `a link to the folder ${quote(linkTarget(path))}` : "a folder";
    if (yaml) return { kind: "refuse", why: `${what}, not a file: rename or remove it` };
    return { kind: "skip", why: `${what}; only the files of the config directory itself are read` };
  }
  if (!target.isFile()) {
    const what = "not a regular file (a pipe, socket or device)";
    return yaml ? { kind: "refuse", why: what } : { kind: "skip", why: what };
  }
  if (!yaml) return { kind: "skip", why: "not a .yaml or .yml file" };
  return { kind: "read", size: target.size };
}

/** What {@link regularFileAt} found: nothing, a file (or a link to one) and its size, or why not. */
export type FileAt = "absent" | { readonly size: number } | { readonly problem: string };

/**
 * What is at a path that should hold a file the app reads and writes beside a config (the layout
 * lock, the adoption file): nothing, a regular file (through a link too), or something else,
 * said as the messages for config directory entries say it (a folder, a link that leads nowhere
 * or into a loop, a pipe that would block the read). Never throws.
 */
export function regularFileAt(path: string): FileAt {
  let own: Stats;
  try {
    own = lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "absent";
    return { problem: `cannot be read: ${reason(error)}` };
  }
  const link = own.isSymbolicLink();
  let target: Stats | "missing" | "loop";
  try {
    target = link ? statOf(path) : own;
  } catch (error) {
    return { problem: `cannot be read: ${reason(error)}` };
  }
  if (target === "missing")
    return { problem: `a link to ${quote(linkTarget(path))}, which does not exist` };
  if (target === "loop") return { problem: "a link that leads back to itself (a loop)" };
  if (target.isDirectory()) {
    return {
      problem: link
        ? `a link to the folder ${quote(linkTarget(path))}, not a file`
        : "a folder, not a file",
    };
  }
  if (!target.isFile()) return { problem: "not a regular file (a pipe, socket or device)" };
  return { size: target.size };
}

/** `stat` that follows links, with the two failures a directory entry may have as values. */
function statOf(path: string): Stats | "missing" | "loop" {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP") return "loop";
    if (code === "ENOENT" || code === "ENOTDIR") return "missing";
    throw new ConfigError(`cannot read ${quote(path)}: ${reason(error)}`);
  }
}

/** Where a link leads: the resolved path, or the link's own text when it leads nowhere. */
function linkTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return readlinkSync(path);
    } catch {
      return "?";
    }
  }
}

function checkSize(files: ReadonlyArray<{ source: string; size: number }>): void {
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (total <= MAX_CONFIG_BYTES) return;
  const largest = [...files].sort((a, b) => b.size - a.size)[0];
  const what =
    files.length === 1
      ? `${files[0]?.source} is ${total.toLocaleString("en-US")} bytes`
      : `the ${files.length} config files are ${total.toLocaleString("en-US")} bytes together (the largest, ${largest?.source}, ${largest?.size.toLocaleString("en-US")})`;
  throw new ConfigError(
    `${what}; a config is at most ${MAX_CONFIG_BYTES.toLocaleString("en-US")} bytes (2 MiB): split it across configs (each deploys on its own)`,
  );
}

function readText(source: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(source);
  } catch (error) {
    throw new ConfigError(`cannot read ${source}: ${reason(error)}`);
  }
  return decodeConfigText(bytes, source);
}

/**
 * The text of a config file's bytes: UTF-8, with a byte order mark dropped.
 * @throws ConfigError for UTF-16 (what Windows PowerShell 5.1's `>` writes) or bytes that are not UTF-8
 */
export function decodeConfigText(bytes: Uint8Array, source: string): string {
  const [b0, b1] = bytes;
  const utf16 =
    (b0 === 0xff && b1 === 0xfe) ||
    (b0 === 0xfe && b1 === 0xff) ||
    (bytes.length >= 2 && (b0 === 0 || b1 === 0));
  if (utf16) {
    throw new ConfigError(
      `${source}: the file is UTF-16; save it as UTF-8 (in PowerShell: Get-Content FILE | Set-Content -Encoding utf8 FILE)`,
    );
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new ConfigError(
      `${source}: byte ${at} is not UTF-8 (line ${lineAt(bytes, at)}); save the file as UTF-8`,
    );
  }
}

/** Where the bytes stop being UTF-8 (lead and continuation bytes; enough to point at). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    const more =
      lead < 0x80
        ? 0
        : lead >= 0xc2 && lead < 0xe0
          ? 1
          : lead >= 0xe0 && lead < 0xf0
            ? 2
            : lead >= 0xf0 && lead < 0xf5
              ? 3
              : -1;
    if (more < 0) return i;
    for (let k = 1; k <= more; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return i;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line += 1;
  return line;
}

/** Why a file system call failed, in words: `permission denied`, or the error's code. */
export function reason(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a folder";
  if (code === "ELOOP") return "a link on the way leads back to itself (a loop)";
  return code ?? message;
}
