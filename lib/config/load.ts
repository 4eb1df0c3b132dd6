import { existsSync, statSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { carefulParse, formatPath } from "./careful-parse";
import { DEFAULT_CONFIG_DIR, DEFAULT_CONFIG_PATH, MERGED_LISTS } from "./constants";
import { ConfigError } from "./errors";
import { nearestNode, parsePath } from "./issues";
import { countProblems, dataProblems, MAX_CONFIG_BYTES } from "./limits";
import { type ConfigFile, readConfigPath } from "./read";
import { configSchema, type TrustConfig } from "./schema";
import { loadYaml, yamlOptions } from "./yaml";

export { carefulParse } from "./careful-parse";
export { DEFAULT_CONFIG_DIR, DEFAULT_CONFIG_PATH } from "./constants";
export { ConfigError } from "./errors";

/**
 * The config named by `TRUST_CONFIG`; else `trust.yaml`, or the directory `trust.d` when there
 * is no `trust.yaml` but that directory (what `add-workspace --init` makes of it).
 */
export function configPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.TRUST_CONFIG?.trim();
  if (fromEnv) return fromEnv;
  if (!existsSync(DEFAULT_CONFIG_PATH) && isDirectory(DEFAULT_CONFIG_DIR))
    return DEFAULT_CONFIG_DIR;
  return DEFAULT_CONFIG_PATH;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A validated config, with where each of its paths is in the files it was read from. */
export interface LoadedConfig {
  readonly config: TrustConfig;
  /**
   * A path into the config as its author finds it: the file, the line and the path in that file
   * (`trust.d/app.yaml line 4: workspaces[0].policyArns[1]`).
   */
  readonly locate: (path: string) => string;
}

/**
 * Reads and validates a config: a YAML file, or a directory whose `*.yaml` files are merged
 * (one `hcp` block among them; `workspaces` and `projects` concatenated, in file name order).
 * `note` hears of the directory entries that were skipped, in one line.
 * Throws {@link ConfigError} on any problem.
 */
export function loadConfig(path: string, note?: (line: string) => void): LoadedConfig {
  const { files, skipped } = readConfigPath(path);
  if (skipped.length > 0) note?.(`Note: ${path}: not read: ${skipped.join(", ")}`);
  return parseConfigFiles(files);
}

/** Parses and validates config text. `source` names the file in messages. */
export function parseConfig(text: string, source = DEFAULT_CONFIG_PATH): TrustConfig {
  return parseConfigFiles([{ source, text }]).config;
}

/** Parses, merges and validates config files; messages name each problem's file and line. */
export function parseConfigFiles(files: ReadonlyArray<ConfigFile>): LoadedConfig {
  const bytes = files.reduce((sum, file) => sum + Buffer.byteLength(file.text), 0);
  if (bytes > MAX_CONFIG_BYTES) {
    throw new ConfigError(
      `the config is ${bytes.toLocaleString("en-US")} bytes; at most ${MAX_CONFIG_BYTES.toLocaleString("en-US")} (2 MiB) are allowed: split it across configs (each deploys on its own)`,
    );
  }
  const quick = quickParse(files);
  const config = quick?.config ?? carefulParse(files);
  return { config, locate: locator(files, quick?.origins) };
}

/**
 * The quick way through, for a config that is valid: js-yaml (several times faster than the
 * `yaml` package on large configs) with the YAML 1.2 core schema, as `yaml` uses, and no
 * position bookkeeping. Anything unusual returns `undefined`, and the careful way then parses
 * again and says what is wrong, with files and lines.
 */
function quickParse(
  files: ReadonlyArray<ConfigFile>,
): { config: TrustConfig; origins: Origins } | undefined {
  const merged: Record<string, unknown> = {};
  const origins: Origins = {};
  for (const { source, text } of files) {
    let data: unknown;
    try {
      data = loadYaml(text);
    } catch {
      return undefined;
    }
    if (data === null || data === undefined || typeof data !== "object" || Array.isArray(data))
      return undefined;
    if (dataProblems(data).length > 0) return undefined;
    for (const [key, value] of Object.entries(data)) {
      if ((MERGED_LISTS as readonly string[]).includes(key) && Array.isArray(value)) {
        merged[key] = [...((merged[key] as unknown[] | undefined) ?? []), ...value];
        origins[key] = [...(origins[key] ?? []), ...value.map((_, index) => ({ source, index }))];
      } else if (key in merged) {
        return undefined;
      } else {
        merged[key] = value;
      }
    }
  }
  if (countProblems(merged).length > 0) return undefined;
  const result = configSchema.safeParse(merged);
  if (!result.success) return undefined;
  return { config: result.data, origins };
}

type Origins = Record<string, Array<{ source: string; index: number }>>;

/**
 * Finds a path in the files a config was read from; `origins` says where each merged list entry
 * came from. Each file is parsed for positions only when a message first needs a line in it.
 */
function locator(
  files: ReadonlyArray<ConfigFile>,
  origins: Origins | undefined,
): (path: string) => string {
  const sources = {
    files,
    origins,
    lines: new Map<string, (path: ReadonlyArray<string | number>) => number>(),
  };
  return (path) => {
    const segments = parsePath(path);
    const [head, index, ...rest] = segments;
    const origin =
      typeof head === "string" && typeof index === "number"
        ? sources.origins?.[head]?.[index]
        : undefined;
    const local = origin === undefined ? segments : [head ?? "", origin.index, ...rest];
    const source =
      origin?.source ??
      (sources.files.length === 1
        ? sources.files[0]?.source
        : typeof head === "string" && /^\w+$/.test(head)
          ? sources.files.find((file) => new RegExp(`^${head}\\s*:`, "m").test(file.text))?.source
          : undefined);
    const file = sources.files.find((f) => f.source === source);
    if (file === undefined) return path;
    let lineOf = sources.lines.get(file.source);
    if (lineOf === undefined) {
      const lineCounter = new LineCounter();
      const doc = parseDocument(file.text, yamlOptions(lineCounter));
      lineOf = (at) => {
        const range = nearestNode(doc.contents, at)?.range;
        return range ? lineCounter.linePos(range[0]).line : 0;
      };
      sources.lines.set(file.source, lineOf);
    }
    const line = lineOf(local);
    return `${file.source}${line > 0 ? ` line ${line}` : ""}: ${formatPath(local)}`;
  };
}
