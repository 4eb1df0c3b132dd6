import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CORE_SCHEMA, load as loadYaml } from "js-yaml";
import { carefulParse } from "./careful-parse";
import { DEFAULT_CONFIG_PATH, MERGED_LISTS } from "./constants";
import { ConfigError } from "./errors";
import { configSchema, type TrustConfig } from "./schema";

export { carefulParse } from "./careful-parse";
export { DEFAULT_CONFIG_PATH } from "./constants";
export { ConfigError } from "./errors";

/** The config file named by `TRUST_CONFIG`, or `trust.yaml`. */
export function configPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.TRUST_CONFIG?.trim();
  return fromEnv ? fromEnv : DEFAULT_CONFIG_PATH;
}

/**
 * Reads and validates a config: a YAML file, or a directory whose `*.yaml` files are merged
 * (one `hcp` block among them; `workspaces` and `projects` concatenated, in file name order).
 * Throws {@link ConfigError} on any problem.
 */
export function loadConfig(path: string): TrustConfig {
  if (!existsSync(path)) {
    throw new ConfigError(
      `config file ${JSON.stringify(path)} not found: create it (see trust.yaml in the repository for an example) or point TRUST_CONFIG at a YAML file or a directory of them`,
    );
  }
  if (!statSync(path).isDirectory()) return parseConfig(readFileSync(path, "utf8"), path);
  const files = readdirSync(path)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  if (files.length === 0) {
    throw new ConfigError(`the config directory ${JSON.stringify(path)} holds no *.yaml files`);
  }
  return parseConfigFiles(
    files.map((name) => ({
      source: join(path, name),
      text: readFileSync(join(path, name), "utf8"),
    })),
  );
}

/** Parses and validates config text. `source` names the file in messages. */
export function parseConfig(text: string, source = DEFAULT_CONFIG_PATH): TrustConfig {
  return parseConfigFiles([{ source, text }]);
}

/** Parses, merges and validates config files; messages name each problem's file and line. */
export function parseConfigFiles(
  files: ReadonlyArray<{ source: string; text: string }>,
): TrustConfig {
  return quickParse(files) ?? carefulParse(files);
}

/**
 * The quick way through, for a config that is valid: js-yaml (several times faster than the
 * `yaml` package on large configs) with the YAML 1.2 core schema, as `yaml` uses, and no
 * position bookkeeping. Anything unusual returns `undefined`, and the careful way then parses
 * again and says what is wrong, with files and lines.
 */
function quickParse(
  files: ReadonlyArray<{ source: string; text: string }>,
): TrustConfig | undefined {
  const merged: Record<string, unknown> = {};
  const origins: Record<string, Array<{ source: string; index: number }>> = {};
  for (const { source, text } of files) {
    let data: unknown;
    try {
      data = loadYaml(text, { schema: CORE_SCHEMA });
    } catch {
      return undefined;
    }
    if (data === null || data === undefined || typeof data !== "object" || Array.isArray(data))
      return undefined;
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
  const result = configSchema.safeParse(merged);
  if (!result.success) return undefined;
  if (files.length > 1) ORIGINS.set(result.data, origins);
  return result.data;
}

/** For a config read from several files: where each merged list entry came from. */
const ORIGINS = new WeakMap<
  TrustConfig,
  Record<string, Array<{ source: string; index: number }>>
>();

/**
 * A path into a config as its author finds it: for a config directory, the file and the path
 * in that file (`trust.d/app.yaml: workspaces[0].policyArns[1]`); else the path as it is.
 */
export function locatePath(config: TrustConfig, path: string): string {
  const match = /^(\w+)\[(\d+)\](.*)$/.exec(path);
  const origin =
    match === null ? undefined : ORIGINS.get(config)?.[match[1] ?? ""]?.[Number(match[2])];
  if (match === null || origin === undefined) return path;
  return `${origin.source}: ${match[1]}[${origin.index}]${match[3]}`;
}
