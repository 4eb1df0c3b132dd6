import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { configJsonSchemaText, JSON_SCHEMA_PATH } from "../config/json-schema";
import { type Io, runCli } from "./io";
import { withProgress } from "./progress";

const USAGE = `Usage: npm run schema

Writes ${JSON_SCHEMA_PATH}, the config's JSON Schema for editors, from the schema the app validates with.
Takes no options.`;

/**
 * `npm run schema`: writes the config's JSON Schema for editors. Refuses any argument, so a
 * mistyped option never passes for a run that did what it asked.
 */
export function runSchema(
  argv: readonly string[],
  io: Io,
  write: (path: string, text: string) => void = writeFileSync,
): number {
  let help: boolean;
  try {
    ({ help } = parseArgs({
      args: [...argv],
      options: { help: { type: "boolean", short: "h", default: false } },
      strict: true,
      allowPositionals: false,
    }).values as { help: boolean });
  } catch (error) {
    io.err(`schema: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (help) {
    io.out(USAGE);
    return 0;
  }
  withProgress("schema", () => write(JSON_SCHEMA_PATH, configJsonSchemaText()), io.err);
  io.out(`wrote ${JSON_SCHEMA_PATH}`);
  return 0;
}

if (require.main === module) runCli(runSchema);
