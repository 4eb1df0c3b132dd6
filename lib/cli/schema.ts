import { writeFileSync } from "node:fs";
import { configJsonSchemaText, JSON_SCHEMA_PATH } from "../config/json-schema";
import { withProgress } from "./progress";

/** `npm run schema`: writes the config's JSON Schema for editors. */
if (require.main === module) {
  withProgress("schema", () => writeFileSync(JSON_SCHEMA_PATH, configJsonSchemaText()));
  console.log(`wrote ${JSON_SCHEMA_PATH}`);
}
