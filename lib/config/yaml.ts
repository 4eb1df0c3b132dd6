/**
 * The two YAML parsers a config goes through, set up alike: js-yaml reads the data (fast, and
 * linear in the number of aliases), the `yaml` package keeps positions for messages. Both read
 * YAML 1.2's core schema with merge keys (`<<: *defaults`), as YAML 1.1 defined them.
 */
import * as jsYaml from "js-yaml";
import { CORE_SCHEMA, load, type Type } from "js-yaml";
import type { LineCounter } from "yaml";
import { MAX_DEPTH } from "./limits";

const SCHEMA = CORE_SCHEMA.extend({
  // js-yaml exports its built-in types at run time; its type declarations leave them out.
  implicit: [(jsYaml as unknown as { types: { merge: Type } }).types.merge],
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
