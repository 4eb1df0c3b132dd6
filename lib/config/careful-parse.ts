/**
 * The careful parse of a config: with the `yaml` package, which keeps the position of every
 * node, so each problem is reported with its file and line. Used when the quick parse
 * (`load.ts`) finds something wrong, as `yaml` is several times slower on large configs.
 */
import { closest, distance } from "fastest-levenshtein";
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
import { DEFAULT_CONFIG_PATH, MERGED_LISTS } from "./constants";
import { ConfigError } from "./errors";
import { configSchema, type TrustConfig } from "./schema";

interface ParsedFile {
  readonly source: string;
  readonly doc: Document.Parsed;
  readonly lineOf: (offset: number) => number;
  readonly data: Record<string, unknown>;
}

/** Parses with the `yaml` package, keeping positions for messages. */
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
