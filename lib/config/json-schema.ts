import { z } from "zod";
import { configSchema } from "./schema";

/** Where `npm run schema` writes the JSON Schema, relative to the repository root. */
export const JSON_SCHEMA_PATH = "trust.schema.json";

/**
 * The JSON Schema of the config file, generated from the schema the app validates with, so
 * editors complete and check the same keys. Checks that need code (names, ARNs, cross-field
 * rules) stay in the app; the JSON Schema covers keys, types, required fields and defaults.
 */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }),
    title: "hcp-aws-trust config",
  };
}

/** The schema as written to the file: stable key order, two-space indent, final newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
