/**
 * How a schema problem reads, and where in a YAML file it is: messages for zod's issues, and
 * the YAML node a path points at.
 */
import { closest, distance } from "fastest-levenshtein";
import { isMap, isNode, isScalar, isSeq, type Node } from "yaml";
import { z } from "zod";
import { quote } from "./quote";
import { configSchema } from "./schema";

/** A path into the config: keys and list indexes. */
export type Path = ReadonlyArray<PropertyKey>;

/** What to say about a zod issue, one message per path. */
export function describeIssue(issue: z.core.$ZodIssue): Array<{ path: Path; message: string }> {
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
      if (issue.input === null && (issue.expected === "object" || issue.expected === "record")) {
        // `hcp:` with nothing under it: what is missing is its required keys, named as such.
        const required = requiredKeys(issue.path);
        if (required.length > 0) {
          return required.map(({ key, type }) => ({
            path: [...issue.path, key],
            message: `is required${type === undefined ? "" : ` (${describeType(type)})`}; ${formatPath(issue.path)} is empty`,
          }));
        }
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
          message: `key ${quote(String(issue.input))}: ${issue.issues.map((inner) => inner.message).join("; ")}`,
        },
      ];
    default:
      return [{ path: issue.path, message: issue.message }];
  }
}

/**
 * For a value YAML read as a number or a boolean where a string belongs (`accountId:
 * 012345678901`, `organization: 1e3`): what YAML did, and the line that fixes it.
 */
export function unquotedScalarHint(node: Node | undefined, key: PropertyKey | undefined): string {
  if (!isScalar(node) || typeof node.source !== "string") return "";
  const value = node.value;
  if (typeof value !== "number" && typeof value !== "boolean") return "";
  const what = typeof value === "number" ? "a number" : "true or false";
  const fixed = `${typeof key === "string" ? `${key}: ` : "- "}${JSON.stringify(node.source)}`;
  return `: YAML reads the unquoted ${node.source} as ${what}${typeof value === "number" && String(value) !== node.source ? ` (${value})` : ""}; quote it: ${fixed}`;
}

/** A zod type name as messages say it: `a string`, `a list`, `a mapping`. */
export function describeType(expected: string): string {
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

/** A parsed value as a message names it. */
export function describeValue(value: unknown): string {
  if (value === null) return "null (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${typeof value === "string" ? quote(value) : JSON.stringify(value)}`;
}

/** The keys the schema allows for the object at `path`. */
function allowedKeys(path: Path): string[] {
  const schema = schemaAt(path);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** The keys the object at `path` must have, with the type of each (as zod names types). */
function requiredKeys(path: Path): Array<{ key: string; type: string | undefined }> {
  const schema = schemaAt(path);
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key, field]) => ({ key, type: typeName(unwrap(field)) }));
}

/** A field's type as zod's issues name it, for the types config fields have. */
function typeName(schema: z.core.$ZodType): string | undefined {
  if (schema instanceof z.ZodString) return "string";
  if (schema instanceof z.ZodArray) return "array";
  if (schema instanceof z.ZodObject) return "object";
  if (schema instanceof z.ZodRecord) return "record";
  if (schema instanceof z.ZodNumber) return "number";
  if (schema instanceof z.ZodBoolean) return "boolean";
  return undefined;
}

/**
 * The schema of the value at `path` in the config (optional and default wrappers taken off), or
 * undefined when the schema has no such path.
 */
export function schemaAt(path: Path): z.ZodType | undefined {
  let schema: z.core.$ZodType = configSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) {
      const next: z.core.$ZodType | undefined = schema.shape[String(segment)];
      if (next === undefined) return undefined;
      schema = next;
    } else if (schema instanceof z.ZodArray) {
      schema = schema.element;
    } else if (schema instanceof z.ZodRecord) {
      schema = schema.valueType;
    } else {
      return undefined;
    }
  }
  // Every schema of the config is one of zod's classic schemas, with their methods.
  return unwrap(schema) as z.ZodType;
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

/** The segments of a path written by {@link formatPath}. */
export function parsePath(text: string): Array<string | number> {
  return [...text.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map(([, index, key]) =>
    index === undefined ? (key ?? "") : Number(index),
  );
}

/**
 * The YAML node to point at for `path`: the key of the deepest existing mapping entry on it (so a
 * missing or unknown key points at its parent's line), or the list item. With `value`, the node
 * of the value itself when the whole path exists.
 */
export function nearestNode(root: unknown, path: Path, value = false): Node | undefined {
  let node = root;
  let found = isNode(root) ? root : undefined;
  let complete = true;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === segment);
      if (pair === undefined || !isNode(pair.key)) {
        complete = false;
        break;
      }
      found = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (!isNode(item)) {
        complete = false;
        break;
      }
      found = item;
      node = item;
    } else {
      complete = false;
      break;
    }
  }
  if (value) return complete && isNode(node) ? node : undefined;
  return found;
}
