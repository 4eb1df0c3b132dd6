/**
 * The two YAML parsers a config goes through, set up alike: js-yaml reads the data (fast, and
 * linear in the number of aliases), the `yaml` package keeps positions for messages. Both read
 * YAML 1.2's core schema with merge keys (`<<: *defaults`), as YAML 1.1 defined them.
 */
import * as jsYaml from "js-yaml";
import { FAILSAFE_SCHEMA, load, Type } from "js-yaml";
import type { LineCounter } from "yaml";
import { MAX_DEPTH } from "./limits";

const builtIn = (jsYaml as unknown as { types: Record<"null" | "bool" | "merge", Type> }).types;

// js-yaml's own core schema reads some YAML 1.1 forms as numbers (`1_0`, `0b1`), which YAML 1.2's
// core schema, and the `yaml` package, read as text: these types follow YAML 1.2 (section 10.3.2).
const int = new Type("tag:yaml.org,2002:int", {
  kind: "scalar",
  resolve: (data: string | null) =>
    data !== null && /^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(data),
  construct: (data: string) =>
    data.startsWith("0o")
      ? Number.parseInt(data.slice(2), 8)
      : data.startsWith("0x")
        ? Number.parseInt(data.slice(2), 16)
        : Number(data),
  predicate: (value: unknown) => Number.isInteger(value),
});
const float = new Type("tag:yaml.org,2002:float", {
  kind: "scalar",
  resolve: (data: string | null) =>
    data !== null &&
    /^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(
      data,
    ),
  construct: (data: string) => {
    const lower = data.toLowerCase();
    if (lower.endsWith(".inf")) return lower.startsWith("-") ? -Infinity : Infinity;
    if (lower === ".nan") return Number.NaN;
    return Number(data);
  },
  predicate: (value: unknown) => typeof value === "number",
});

const SCHEMA = FAILSAFE_SCHEMA.extend({
  // js-yaml exports its built-in types at run time; its type declarations leave them out.
  implicit: [
    ...(["null", "bool"] as const).map((name) => builtIn[name]),
    int,
    float,
    builtIn.merge,
  ],
});

/** The data of a YAML text, as js-yaml reads it. Throws js-yaml's errors, or a RangeError when nested too deep. */
export function loadYaml(text: string): unknown {
  return load(text, { schema: SCHEMA });
}

/** What went wrong in {@link loadYaml}: the line (1-based, 0 if unknown) and a message. */
export function loadYamlProblem(error: unknown): { line: number; message: string } {
  if (error instanceof RangeError) {
    return {
      line: 0,
      message: `mappings and lists nest too deep to parse; at most ${MAX_DEPTH} levels are allowed`,
    };
  }
  const { reason, mark, message } = error as {
    reason?: string;
    mark?: { line?: number };
    message?: string;
  };
  return {
    line: mark?.line === undefined ? 0 : mark.line + 1,
    message: `YAML error: ${reason ?? String(message).split("\n")[0]}`,
  };
}

/** Options of the `yaml` package for config files: positions, unique keys, merge keys. */
export function yamlOptions(lineCounter?: LineCounter) {
  return { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true } as const;
}
