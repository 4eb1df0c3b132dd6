import { writeFileSync } from "node:fs";
import { configJsonSchemaText, JSON_SCHEMA_PATH } from "../config/json-schema";

/** `npm run schema`: writes the config's JSON Schema for editors. */
if (require.main === module) {
  writeFileSync(JSON_SCHEMA_PATH, configJsonSchemaText());
  console.log(`wrote ${JSON_SCHEMA_PATH}`);
}
