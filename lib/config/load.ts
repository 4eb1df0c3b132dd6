import { existsSync, readFileSync, statSync } from "node:fs";
import { closest, distance } from "fastest-levenshtein";
import { isMap, isNode, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
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

/** Reads and validates a config file. Throws {@link ConfigError} on any problem. */
export function loadConfig(path: string): TrustConfig {
  if (!existsSync(path)) {
    throw new ConfigError(
      `config file ${JSON.stringify(path)} not found: create it (see trust.yaml in the repository for an example) or point TRUST_CONFIG at a YAML file`,
    );
  }
  if (statSync(path).isDirectory()) {
    throw new ConfigError(
      `TRUST_CONFIG names the directory ${JSON.stringify(path)}; expected a YAML file such as trust.yaml`,
    );
  }
  return parseConfig(readFileSync(path, "utf8"), path);
}

/** Parses and validates config text. `source` names the file in messages. */
export function parseConfig(text: string, source = DEFAULT_CONFIG_PATH): TrustConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;

  if (doc.errors.length > 0) {
    fail(
      source,
      doc.errors.map(
        (error) => `line ${lineOf(error.pos[0])}: YAML syntax error: ${firstLine(error.message)}`,
      ),
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    fail(source, ["the file is empty; expected a mapping with the keys hcp, aws and workspaces"]);
  }

  const result = configSchema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;

  const problems = result.error.issues
    .flatMap((issue) => describeIssue(issue))
    .map(({ path, message }) => {
      const range = nearestNode(doc.contents, path)?.range;
      return {
        line: range ? lineOf(range[0]) : 0,
        path: formatPath(path) || "(top level)",
        message,
      };
    })
    .sort((a, b) => a.line - b.line)
    .map(({ line, path, message }) => `${line > 0 ? `line ${line}: ` : ""}${path}: ${message}`);
  return fail(source, problems);
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
      if (issue.input === undefined) {
        return [{ path: issue.path, message: `is required (${describeType(issue.expected)})` }];
      }
      return [
        {
          path: issue.path,
          message: `expected ${describeType(issue.expected)}, got ${describeValue(issue.input)}`,
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
