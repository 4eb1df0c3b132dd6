import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { closest, distance } from "fastest-levenshtein";
import { CORE_SCHEMA, load as loadYaml } from "js-yaml";
import {
  type Document,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from "yaml";
import { z } from "zod";
import { configSchema, type TrustConfig } from "./schema";

/** The config file read when `TRUST_CONFIG` is not set. */
export const DEFAULT_CONFIG_PATH = "trust.yaml";

/** A config that cannot be used. The message names every problem; no stack trace is needed. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** One line per problem, each naming the field path, the bad value and the allowed form. */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

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

interface ParsedFile {
  readonly source: string;
  readonly doc: Document.Parsed;
  readonly lineOf: (offset: number) => number;
  readonly data: Record<string, unknown>;
}

/** The lists whose entries several files may contribute. */
const MERGED_LISTS = ["workspaces", "projects"] as const;

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
  for (const { text } of files) {
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
      } else if (key in merged) {
        return undefined;
      } else {
        merged[key] = value;
      }
    }
  }
  const result = configSchema.safeParse(merged);
  return result.success ? result.data : undefined;
}

/** Parses with the `yaml` package, keeping positions for messages. Exported for tests. */
export function carefulParse(files: ReadonlyArray<{ source: string; text: string }>): TrustConfig {
  const single = files.length === 1;
  const heading = single ? (files[0]?.source ?? DEFAULT_CONFIG_PATH) : `in ${files.length} files`;
  const parsed: ParsedFile[] = [];
  const syntaxProblems: string[] = [];
  for (const { source, text } of files) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const lineOf = (offset: number) => lineCounter.linePos(offset).line;
    const where = single ? "" : `${source} `;
    for (const error of doc.errors) {
      syntaxProblems.push(
        `${where}line ${lineOf(error.pos[0])}: YAML syntax error: ${firstLine(error.message)}`,
      );
    }
    if (doc.errors.length > 0) continue;
    const data: unknown = doc.toJS();
    if (data === null || data === undefined) {
      if (single)
        syntaxProblems.push(
          "the file is empty; expected a mapping with the keys hcp, aws and workspaces",
        );
      continue;
    }
    if (typeof data !== "object" || Array.isArray(data)) {
      syntaxProblems.push(`${where}(top level): expected a mapping, got ${describeValue(data)}`);
      continue;
    }
    parsed.push({ source, doc, lineOf, data: data as Record<string, unknown> });
  }
  if (syntaxProblems.length > 0) fail(heading, syntaxProblems);

  // Merge: each key other than the lists comes from one file; list entries remember their file.
  const merged: Record<string, unknown> = {};
  const keyOwner = new Map<string, ParsedFile>();
  const origins = new Map<string, Array<{ file: ParsedFile; index: number }>>();
  const mergeProblems: string[] = [];
  for (const file of parsed) {
    for (const [key, value] of Object.entries(file.data)) {
      if ((MERGED_LISTS as readonly string[]).includes(key) && Array.isArray(value)) {
        const list = (merged[key] as unknown[] | undefined) ?? [];
        const from = origins.get(key) ?? [];
        value.forEach((entry, index) => {
          list.push(entry);
          from.push({ file, index });
        });
        merged[key] = list;
        origins.set(key, from);
        continue;
      }
      const owner = keyOwner.get(key);
      if (owner !== undefined) {
        mergeProblems.push(
          `${file.source}: ${key} is also given in ${owner.source}; give it in one file only`,
        );
        continue;
      }
      keyOwner.set(key, file);
      merged[key] = value;
    }
  }
  for (const list of MERGED_LISTS) {
    const seen = new Map<string, { file: ParsedFile; index: number }>();
    (origins.get(list) ?? []).forEach((origin, i) => {
      const name = (merged[list] as Array<{ name?: unknown }>)[i]?.name;
      if (typeof name !== "string") return;
      const first = seen.get(name.toLowerCase());
      if (first === undefined) seen.set(name.toLowerCase(), origin);
      else if (first.file !== origin.file) {
        mergeProblems.push(
          `${origin.file.source}: ${list}[${origin.index}]: ${JSON.stringify(name)} is also listed in ${first.file.source} (${list}[${first.index}]); list it in one file only`,
        );
      }
    });
  }
  if (mergeProblems.length > 0) fail(heading, mergeProblems);

  const result = configSchema.safeParse(merged, { reportInput: true });
  if (result.success) return result.data;

  /** The file, local path and line of a path into the merged config. */
  const locate = (path: Path) => {
    const [head, index, ...rest] = path;
    const origin =
      typeof head === "string" && typeof index === "number"
        ? origins.get(head)?.[index]
        : undefined;
    const file =
      origin?.file ??
      (typeof head === "string" ? keyOwner.get(head) : undefined) ??
      (single ? parsed[0] : undefined);
    const local: Path =
      origin === undefined || head === undefined ? path : [head, origin.index, ...rest];
    const range = file === undefined ? undefined : nearestNode(file.doc.contents, local)?.range;
    return { file, line: file !== undefined && range ? file.lineOf(range[0]) : 0, local };
  };
  const problems = result.error.issues
    .flatMap((issue) => describeIssue(issue))
    .map(({ path, message }) => {
      const { file, line, local } = locate(path);
      const where = [
        single || file === undefined ? "" : file.source,
        line > 0 ? `line ${line}` : "",
      ]
        .filter(Boolean)
        .join(" ");
      return {
        source: file?.source ?? "",
        line,
        text: `${where ? `${where}: ` : ""}${formatPath(local) || "(top level)"}: ${message}`,
      };
    })
    .sort((a, b) => a.source.localeCompare(b.source) || a.line - b.line)
    .map(({ text }) => text);
  return fail(heading, problems);
}

function fail(source: string, problems: string[]): never {
  const heading =
    problems.length === 1
      ? `Invalid config ${source}:`
      : `Invalid config ${source} (${problems.length} problems):`;
  throw new ConfigError([heading, ...problems.map((p) => `  - ${p}`)].join("\n"), problems);
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

type Path = ReadonlyArray<PropertyKey>;

function describeIssue(issue: z.core.$ZodIssue): Array<{ path: Path; message: string }> {
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeys(issue.path);
      return issue.keys.map((key) => {
        const guess = allowed.length > 0 ? closest(key, allowed) : undefined;
        const hint =
          guess !== undefined && distance(key, guess) <= 3 ? ` (did you mean "${guess}"?)` : "";
        return {
          path: [...issue.path, key],
          message: `unknown key${hint}; allowed keys here: ${allowed.join(", ")}`,
        };
      });
    }
    case "invalid_type":
      // A message written in the schema says more than the generic one.
      if (!issue.message.startsWith("Invalid input"))
        return [{ path: issue.path, message: issue.message }];
      if (issue.input === undefined) {
        return [{ path: issue.path, message: `is required (${describeType(issue.expected)})` }];
      }
      return [
        {
          path: issue.path,
          message: `expected ${describeType(issue.expected)}, got ${describeValue(issue.input)}`,
        },
      ];
    case "invalid_key":
      return [
        {
          path: issue.path,
          message: `key ${JSON.stringify(issue.input)}: ${issue.issues.map((inner) => inner.message).join("; ")}`,
        },
      ];
    default:
      return [{ path: issue.path, message: issue.message }];
  }
}

function describeType(expected: string): string {
  const names: Record<string, string> = {
    string: "a string",
    array: "a list",
    object: "a mapping",
    record: "a mapping",
    number: "a number",
    boolean: "true or false",
  };
  return names[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === null) return "null (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The keys the schema allows for the object at `path`. */
function allowedKeys(path: Path): string[] {
  let schema: z.core.$ZodType = configSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) {
      const next: z.core.$ZodType | undefined = schema.shape[String(segment)];
      if (next === undefined) return [];
      schema = next;
    } else if (schema instanceof z.ZodArray) {
      schema = schema.element;
    } else {
      return [];
    }
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) {
    current = current.unwrap();
  }
  return current;
}

/** `workspaces[0].policyArns[1]` */
export function formatPath(path: Path): string {
  return path.reduce<string>(
    (text, segment) =>
      typeof segment === "number"
        ? `${text}[${segment}]`
        : text
          ? `${text}.${String(segment)}`
          : String(segment),
    "",
  );
}

/**
 * The YAML node to point at for `path`: the key of the deepest existing mapping entry on it (so a
 * missing or unknown key points at its parent's line), or the list item.
 */
function nearestNode(root: unknown, path: Path): Node | undefined {
  let node = root;
  let found = isNode(root) ? root : undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === segment);
      if (pair === undefined || !isNode(pair.key)) break;
      found = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (!isNode(item)) break;
      found = item;
      node = item;
    } else {
      break;
    }
  }
  return found;
}
