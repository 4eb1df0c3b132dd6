/**
 * The careful parse of a config: with the `yaml` package, which keeps the position of every
 * node, so each problem is reported with its file and line. Used when the quick parse
 * (`load.ts`) finds something wrong, as `yaml` is several times slower on large configs.
 */
import {
  type Document,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from "yaml";
import { DEFAULT_CONFIG_PATH, MERGED_LISTS } from "./constants";
import { ConfigError } from "./errors";
import {
  describeIssue,
  describeType,
  describeValue,
  formatPath,
  nearestNode,
  type Path,
  schemaAt,
  unquotedScalarHint,
} from "./issues";
import { countProblems, dataProblems, MAX_DEPTH } from "./limits";
import { quote } from "./quote";
import { configSchema, type TrustConfig } from "./schema";
import { loadYaml, loadYamlProblem, yamlOptions } from "./yaml";

export { formatPath } from "./issues";

/** Said when schema problems are listed: the safety rules need a config that is otherwise valid. */
export const RULES_RUN_AFTER = "Fix these first; the safety rules run after.";

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
  const problems: string[] = [];
  for (const { source, text } of files) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, yamlOptions(lineCounter));
    const lineOf = (offset: number) => lineCounter.linePos(offset).line;
    const where = single ? "" : `${source} `;
    for (const error of causes(doc.errors, text)) {
      problems.push(`${where}line ${lineOf(error.pos[0])}: ${syntaxMessage(error, text)}`);
    }
    if (doc.errors.length > 0) continue;
    let data: unknown;
    try {
      // The data as the quick parse reads it (the `yaml` package resolves each alias by
      // searching the document, quadratic in their number). Aliases come back as shared
      // objects: the limits below count their expansion.
      data = loadYaml(text);
    } catch (error) {
      // A tag js-yaml does not read (`!!binary`, `!custom`) is named with its field instead.
      const tags = unreadTags(doc);
      for (const { path, node } of tags)
        problems.push(`${where}${at({ doc, lineOf }, path)}${tagMessage(node, path)}`);
      if (tags.length > 0) continue;
      const { line, message } = loadYamlProblem(error);
      problems.push(`${where}${line > 0 ? `line ${line}: ` : ""}${message}`);
      continue;
    }
    const file = { source, doc, lineOf, data: data as Record<string, unknown> };
    const over = dataProblems(data);
    for (const { path, message } of over) problems.push(`${where}${at(file, path)}${message}`);
    if (over.length > 0) continue;
    if (data === null || data === undefined) {
      if (single)
        problems.push(
          "the file is empty; expected a mapping with the keys hcp, aws and workspaces",
        );
      continue;
    }
    if (typeof data !== "object" || Array.isArray(data)) {
      problems.push(`${where}(top level): expected a mapping, got ${describeValue(data)}`);
      continue;
    }
    parsed.push(file);
  }
  if (problems.length > 0) fail(heading, problems);

  // Merge: each key other than the lists comes from one file; list entries remember their file.
  // A key given twice is reported, and the first file's value kept, so each file's own
  // problems are still found below.
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
          `${origin.file.source}: ${list}[${origin.index}]: ${quote(name)} is also listed in ${first.file.source} (${list}[${first.index}]); list it in one file only`,
        );
      }
    });
  }
  const counts = countProblems(merged);
  if (counts.length > 0) {
    fail(heading, [...mergeProblems, ...counts.map((p) => `${formatPath(p.path)}: ${p.message}`)]);
  }

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
  const result = configSchema.safeParse(merged, { reportInput: true });
  if (result.success && mergeProblems.length === 0) return result.data;
  const schemaProblems = (result.success ? [] : result.error.issues)
    .flatMap((issue) =>
      describeIssue(issue).map((described) => ({
        ...described,
        stringExpected: isStringExpected(issue),
      })),
    )
    .map(({ path, message, stringExpected }) => {
      const { file, line, local } = locate(path);
      const where = [
        single || file === undefined ? "" : file.source,
        line > 0 ? `line ${line}` : "",
      ]
        .filter(Boolean)
        .join(" ");
      const hint =
        stringExpected && file !== undefined
          ? unquotedScalarHint(nearestNode(file.doc.contents, local, true), local[local.length - 1])
          : "";
      return {
        source: file?.source ?? "",
        line,
        text: `${where ? `${where}: ` : ""}${formatPath(local) || "(top level)"}: ${message}${hint}`,
      };
    })
    .sort((a, b) => a.source.localeCompare(b.source) || a.line - b.line)
    .map(({ text }) => text);
  return fail(heading, [...mergeProblems, ...schemaProblems], RULES_RUN_AFTER);
}

function isStringExpected(issue: { code: string; expected?: unknown }): boolean {
  return issue.code === "invalid_type" && issue.expected === "string";
}

/** The tags the config's YAML schema reads (see `yaml.ts`): YAML 1.2's core types and merge keys. */
const READ_TAGS = new Set(
  ["str", "seq", "map", "null", "bool", "int", "float", "merge"].map(
    (name) => `tag:yaml.org,2002:${name}`,
  ),
);

/** Every node of a document with a tag the config's YAML schema does not read, and its path. */
function unreadTags(doc: Document.Parsed): Array<{ path: Path; node: Node }> {
  const found: Array<{ path: Path; node: Node }> = [];
  visit(doc, {
    Node(_, node, ancestors) {
      if (node.tag === undefined || READ_TAGS.has(node.tag)) return;
      const path: Array<string | number> = [];
      const chain = [...ancestors, node];
      chain.forEach((step, i) => {
        const next = chain[i + 1];
        if (isPair(step) && next !== undefined)
          path.push(isScalar(step.key) ? String(step.key.value) : "?");
        else if (isSeq(step) && next !== undefined) path.push(step.items.indexOf(next as Node));
      });
      found.push({ path, node });
    },
  });
  return found;
}

/**
 * What to say of a tagged value: that tags are not read, then what the field makes of the value
 * written without it (the field's own message, or the line that writes it), or the type it takes.
 */
function tagMessage(node: Node, path: Path): string {
  const tag = (node.tag ?? "").replace(/^tag:yaml\.org,2002:/, "!!");
  const head = `the YAML tag ${tag} is not read; a config takes plain values`;
  const field = schemaAt(path);
  if (field === undefined) return head;
  if (isScalar(node) && typeof node.source === "string") {
    const result = field.safeParse(node.source);
    if (result.success) {
      const key = path[path.length - 1];
      return `${head}: ${typeof key === "string" ? `${key}: ` : "- "}${JSON.stringify(node.source)}`;
    }
    const [issue] = result.error.issues;
    const described = issue === undefined ? undefined : describeIssue(issue)[0];
    return described === undefined ? head : `${head}: ${described.message}`;
  }
  const expected = field.safeParse(undefined).error?.issues[0];
  return expected?.code === "invalid_type"
    ? `${head}: expected ${describeType(expected.expected)}`
    : head;
}

/** `line 4: ` for a path into a parsed file, or nothing when the path is the whole file. */
function at(file: Pick<ParsedFile, "doc" | "lineOf">, path: Path): string {
  const range = nearestNode(file.doc.contents, path)?.range;
  const line = range ? `line ${file.lineOf(range[0])}: ` : "";
  return `${line}${formatPath(path) ? `${formatPath(path)}: ` : ""}`;
}

type YamlError = Document.Parsed["errors"][number];

/**
 * The errors of a file worth reporting. A key given twice stands on its own, so each is named;
 * any other error leaves the parser lost for the rest of the file, and what it reports after the
 * first one follows from it: only the cause is named, a tab in the indentation when there is one
 * (it also makes errors on the line before it).
 */
function causes(errors: readonly YamlError[], text: string): YamlError[] {
  const structural = errors.filter((error) => error.code !== "DUPLICATE_KEY");
  if (structural.length === 0) return [...errors];
  const byPosition = [...structural].sort((a, b) => a.pos[0] - b.pos[0]);
  const cause =
    byPosition.find((error) => error.code === "TAB_AS_INDENT") ??
    byPosition.find((error) => tabIndents(text, error.pos[0])) ??
    byPosition[0];
  return cause === undefined ? [] : [cause];
}

/** Whether the line holding `offset` is indented with a tab (alone or after spaces). */
function tabIndents(text: string, offset: number): boolean {
  const indent = /[ \t]*/y;
  indent.lastIndex = text.lastIndexOf("\n", offset - 1) + 1;
  return indent.exec(text)?.[0].includes("\t") ?? false;
}

/** A YAML error as a message: the key of a duplicate named, a tab, a parser's stack overflow as depth. */
function syntaxMessage(
  error: { code: string; message: string; pos: [number, number] },
  text: string,
): string {
  if (error.code === "DUPLICATE_KEY") {
    // The error points at the key's first character; the key runs to its colon.
    const key =
      /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\n:]*)/.exec(text.slice(error.pos[0]))?.[0].trim() ??
      "";
    return `YAML syntax error: the key ${quote(key)} is given twice in one mapping; keep one`;
  }
  if (error.code === "TAB_AS_INDENT" || tabIndents(text, error.pos[0])) {
    return "YAML syntax error: a tab indents this line; YAML indents with spaces only: replace the tab with spaces";
  }
  if (error.message.includes("Maximum call stack size exceeded")) {
    return `mappings and lists nest too deep to parse; at most ${MAX_DEPTH} levels are allowed`;
  }
  return `YAML syntax error: ${firstLine(error.message)}`;
}

function fail(source: string, problems: string[], after?: string): never {
  const heading =
    problems.length === 1
      ? `Invalid config ${source}:`
      : `Invalid config ${source} (${problems.length} problems):`;
  throw new ConfigError(
    [heading, ...problems.map((p) => `  - ${p}`), ...(after === undefined ? [] : [after])].join(
      "\n",
    ),
    problems,
  );
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
